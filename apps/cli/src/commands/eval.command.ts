import { existsSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import {
  type EvalSpec,
  type EvalSummary,
  loadEvalCorpus,
  parseEvalSpec,
  renderEvalTable,
  runEval,
} from "@threatline/llm";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { UsageError } from "../lib/files.ts";
import { writeOutput } from "../lib/output.ts";

interface EvalCommandOptions {
  config: string[];
  format: "text" | "markdown" | "json";
  output?: string;
  concurrency: string;
  tpm: string;
  redis?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function isLocal(endpoint: string | undefined): boolean {
  return endpoint !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(endpoint);
}

/**
 * `threatline eval [paths…] --config rules --config bedrock:<model>@<endpoint>`: runs a labelled corpus through
 * each configuration and prints recall, false positives, tokens, cost and latency side by side.
 */
export function registerEval(program: Command): void {
  const command = program
    .command("eval")
    .description("Measure recall, false positives, tokens, cost and latency of configurations on a labelled corpus")
    .argument("[paths...]", "corpus files or folders (<name>.<ext> with <name>.expected.json beside it)", [
      "bench/corpus",
    ])
    .option(
      "-c, --config <spec>",
      "a configuration, repeatable: rules | bedrock:<model>[@<endpoint>][#<prompt>] | openai:<model>@<base url>[#<prompt>]",
      collect,
      [],
    )
    .addOption(
      new Option("-f, --format <format>", "output format").choices(["text", "markdown", "json"]).default("text"),
    )
    .option("-o, --output <file>", "write the result to FILE instead of stdout")
    .option("--concurrency <n>", "files analysed at once per model configuration", "4")
    .option("--tpm <n>", "shared limiter quota in tokens per minute (needs Redis); 0 = none", "0")
    .option("--redis <url>", "Redis for the limiter (default REDIS_URL or redis://127.0.0.1:6379)")
    .action(async (paths: string[], options: EvalCommandOptions) => {
      process.exitCode = await evaluate(paths, options);
    });
  usageErrorsExit2(command);
}

async function evaluate(paths: string[], options: EvalCommandOptions): Promise<number> {
  const cwd = process.cwd();
  let specs: EvalSpec[];
  try {
    specs = (options.config.length > 0 ? options.config : ["rules"]).map(parseEvalSpec);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const concurrency = Number(options.concurrency);
  const tpm = Number(options.tpm);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError("--concurrency must be a positive integer.");
  if (!Number.isInteger(tpm) || tpm < 0) throw new UsageError("--tpm must be a non-negative integer.");
  const missing = paths.filter((p) => !existsSync(path.resolve(cwd, p)));
  if (missing.length > 0) throw new UsageError(`Not found: ${missing.join(", ")}.`);
  const cases = loadEvalCorpus(
    paths.map((p) => path.resolve(cwd, p)),
    cwd,
  );
  if (cases.length === 0)
    throw new UsageError(`No labelled files (<name>.expected.json beside <name>.<ext>) in ${paths.join(", ")}.`);

  // The fake accepts any signature; only a local endpoint gets these stand-in credentials, never AWS.
  const env = { ...process.env };
  if (specs.some((s) => s.provider === "bedrock" && isLocal(s.endpoint)) && !env.AWS_ACCESS_KEY_ID) {
    env.AWS_ACCESS_KEY_ID = "local-fake";
    env.AWS_SECRET_ACCESS_KEY = "local-fake";
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
  }
  env.AWS_REGION ??= "us-east-1";

  const summaries: EvalSummary[] = [];
  for (const spec of specs) {
    process.stderr.write(`eval: ${spec.label} on ${cases.length} files…\n`);
    summaries.push(
      await runEval(cases, spec, { env, concurrency, tpm, ...(options.redis ? { redisUrl: options.redis } : {}) }),
    );
  }

  let content: string;
  if (options.format === "json") {
    content = `${JSON.stringify(summaries, null, 2)}\n`;
  } else {
    const lines = [renderEvalTable(summaries), ""];
    if (options.format === "text") {
      for (const s of summaries) {
        const misses = s.results.filter((r) => r.missed.length > 0 || r.extraRuleIds.length > 0 || r.error);
        if (misses.length === 0) continue;
        lines.push(`${s.spec.label}:`);
        for (const r of misses) {
          const parts = [
            r.missed.length ? `missed ${r.missed.join(", ")}` : "",
            r.extraRuleIds.length ? `extra ${r.extraRuleIds.join(", ")}` : "",
            r.error ? `error ${r.error}` : "",
          ];
          lines.push(`  ${r.path}: ${parts.filter(Boolean).join("; ")}`);
        }
        lines.push("");
      }
    }
    content = `${lines.join("\n")}`;
  }
  await writeOutput(content, options.output, cwd);
  return summaries.some((s) => s.failed > 0) ? 1 : 0;
}
