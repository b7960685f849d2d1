/**
 * Input tokens sent per template on small files: the pipeline (the real threat modeler with the default prompt
 * version: system prompt, compact graph, rule findings, resource ids, tool schema) against the prototype (the
 * frozen stride-v1 system prompt, the full tool schema and the raw template), both billed by the fake Bedrock
 * (chars/4, as the LLM pipeline benchmark counts). Also where the pipeline's tokens go, part by part. Offline:
 * the fake answers at once, no quota, no cache.
 *
 * Run: `node --import tsx bench/prompt-size.ts` (needs Redis on loopback, as the modeler's limiter does; writes
 * bench/results/prompt-size.md). Options: --largest 10 (how many of the largest corpus files are the headline).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { startFakeBedrock } from "@threatline/bedrock-fake";
import { analyze, type SourceFile } from "@threatline/engine";
import {
  BedrockProvider,
  createThreatModeler,
  loadLlmConfig,
  loadPrompt,
  MemoryLlmCache,
  TOOL_NAME,
  toolInputSchema,
} from "@threatline/llm";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    largest: { type: "string", default: "10" },
    output: { type: "string", default: join(root, "bench/results/prompt-size.md") },
  },
});
const LARGEST = Number(values.largest);
/** The fake's count: what it bills. */
const tokens = (text: string) => Math.ceil(text.length / 4);

const corpusDir = join(root, "bench/corpus");
const files: SourceFile[] = readdirSync(corpusDir)
  .flatMap((format) =>
    readdirSync(join(corpusDir, format))
      .filter((f) => !f.endsWith(".expected.json"))
      .map((f) => join(format, f)),
  )
  .map((path) => ({ path, content: readFileSync(join(corpusDir, path), "utf8") }))
  .sort((a, b) => b.content.length - a.content.length || a.path.localeCompare(b.path));

process.env.AWS_ACCESS_KEY_ID ??= "bench-fake";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench-fake";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const fake = await startFakeBedrock({ port: 0, recordPrompts: true });
const config = loadLlmConfig({
  THREATLINE_LLM_PROVIDER: "bedrock",
  BEDROCK_ENDPOINT: fake.url,
  AWS_REGION: "us-east-1",
  LLM_SDK_MAX_ATTEMPTS: "1",
})!;
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
const modeler = createThreatModeler({ config, redis, cache: new MemoryLlmCache(), limiterPrefix: "bench-prompt-size" });
const prototypeProvider = new BedrockProvider(config);
const prototype = loadPrompt("stride-v1");
const fullSchema = toolInputSchema();
const current = loadPrompt(config.promptVersion);

interface Row {
  path: string;
  resources: number;
  findings: number;
  raw: number;
  pipeline: number;
  prototype: number;
  graph: number;
  findingsTokens: number;
}
const rows: Row[] = [];
for (const [i, file] of files.entries()) {
  const result = await analyze([file]);
  const before = fake.stats().inputTokens;
  await modeler.model({
    analysisId: `bench-${i}`,
    contentHash: `bench-${i}-${Date.now()}`,
    files: [file],
    graph: result.graph,
    ruleThreats: result.threats,
    force: true,
  });
  const pipeline = fake.stats().inputTokens - before;
  const sent = fake.stats().prompts.at(-1) ?? "";
  const between = (tag: string) => {
    const start = sent.indexOf(`<${tag}>`);
    const end = sent.indexOf(`</${tag}>`);
    return start >= 0 && end > start ? sent.slice(start + tag.length + 2, end) : "";
  };
  const middle = fake.stats().inputTokens;
  const ids = JSON.stringify(result.graph.nodes.map((n) => n.id));
  await prototypeProvider.complete({
    system: prototype.system,
    messages: [
      {
        role: "user",
        content: [{ text: `Threat-model this template.\n<resource_ids>${ids}</resource_ids>\n${file.content}` }],
      },
    ],
    tool: { name: TOOL_NAME, description: "", inputSchema: fullSchema },
    maxTokens: config.maxTokens,
    temperature: 0,
  });
  rows.push({
    path: file.path,
    resources: result.graph.nodes.length,
    findings: result.threats.length,
    raw: tokens(file.content),
    pipeline,
    prototype: fake.stats().inputTokens - middle,
    graph: tokens(between("graph")),
    findingsTokens: tokens(between("rule_findings")),
  });
}
prototypeProvider.close();
modeler.close?.();
redis.disconnect();
await fake.close();

const sum = (list: Row[], key: keyof Row) => list.reduce((s, r) => s + Number(r[key]), 0);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const largest = rows.slice(0, LARGEST);
const toolTokens = tokens(
  JSON.stringify([{ toolSpec: { name: TOOL_NAME, inputSchema: { json: current.toolSchema } } }]),
);
const fullToolTokens = tokens(JSON.stringify([{ toolSpec: { name: TOOL_NAME, inputSchema: { json: fullSchema } } }]));
const lines = [
  "# Prompt size on small templates",
  "",
  `Produced by \`node --import tsx bench/prompt-size.ts\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: every file of \`bench/corpus\` (${rows.length} files, ${Math.min(...rows.map((r) => r.raw))}–${Math.max(...rows.map((r) => r.raw))} raw tokens) through the real threat modeler (prompt version \`${current.version}\`, hash \`${current.hash.slice(0, 12)}\`) and through the prototype's request (the frozen \`stride-v1\` system prompt, the full tool schema, resource ids and the raw template), each billed by the fake Bedrock (chars/4 of system, messages and tool schema).`,
  "",
  "| | raw template | pipeline prompt | prototype prompt | pipeline ÷ prototype | pipeline ÷ raw |",
  "|---|---:|---:|---:|---:|---:|",
  `| **the ${LARGEST} largest files** (total) | ${sum(largest, "raw")} | ${sum(largest, "pipeline")} | ${sum(largest, "prototype")} | **${ratio(sum(largest, "pipeline"), sum(largest, "prototype"))}** | ${ratio(sum(largest, "pipeline"), sum(largest, "raw"))} |`,
  `| all ${rows.length} files (total) | ${sum(rows, "raw")} | ${sum(rows, "pipeline")} | ${sum(rows, "prototype")} | ${ratio(sum(rows, "pipeline"), sum(rows, "prototype"))} | ${ratio(sum(rows, "pipeline"), sum(rows, "raw"))} |`,
  "",
  `Fixed part of every pipeline request: system prompt ${tokens(current.system)} tokens, user template without its data ${tokens(current.user.replace(/\{\{\w+\}\}/g, ""))}, tool schema ${toolTokens} (the prototype's: system ${tokens(prototype.system)}, tool schema ${fullToolTokens}).`,
  "",
  `The ${LARGEST} largest files, one by one (pipeline parts: the compact graph and the rule findings as sent):`,
  "",
  "| file | resources | rule findings | raw | pipeline | of which graph | of which findings | prototype | pipeline ÷ prototype |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...largest.map(
    (r) =>
      `| \`${r.path}\` | ${r.resources} | ${r.findings} | ${r.raw} | ${r.pipeline} | ${r.graph} | ${r.findingsTokens} | ${r.prototype} | ${ratio(r.pipeline, r.prototype)} |`,
  ),
  "",
];
writeFileSync(values.output, lines.join("\n"));
process.stdout.write(`${lines.slice(4, 8).join("\n")}\nwrote ${basename(values.output)}\n`);
