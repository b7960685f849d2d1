import { parseArgs } from "node:util";
import { parseFaults } from "./faults.ts";
import type { FakeBedrockOptions } from "./server.ts";

export const USAGE = `Usage: npm run fake-bedrock -- [options]

A local stand-in for the Bedrock runtime (Converse, CountTokens) with Bedrock's token-bucket quota, latency and
faults, for offline demos, tests and benchmarks. Point the app at it with BEDROCK_ENDPOINT=<the printed URL>.

Options:
  --port <n>                   port to listen on (default 4010; 0 picks a free one)
  --host <address>             interface to listen on (default 127.0.0.1)
  --tpm <n>                    quota tokens per window, input + output x weight (default 0: unlimited)
  --rpm <n>                    requests per window (default 0: unlimited)
  --window-ms <n>              the quota window in ms (default 60000; shorter runs benchmarks in scaled time)
  --latency-ms <n>             fixed latency of every answer (default 0)
  --latency-per-token-ms <n>   extra latency per output token (default 0)
  --output-weight <n>          how much an output token counts against the quota (default 5 for Claude 4-class ids)
  --faults <spec>              fault script, e.g. "429:0.05,503:0.02,cut@3" (default none)
  --seed <n>                   seed of the fault dice (default 1)
  --ungrounded <n>             threats about resources not in the prompt, per answer (default 0)
  -h, --help                   print this and exit
`;

/** What the command line asks for: the fake's options, the help text, or why it cannot start. */
export type FakeCli =
  | { kind: "run"; options: FakeBedrockOptions & { port: number; host: string } }
  | { kind: "help"; text: string }
  | { kind: "error"; message: string };

/** Parses `npm run fake-bedrock -- …`; never throws, so a typo gets a message and the usage, not a stack trace. */
export function parseFakeCli(args: readonly string[]): FakeCli {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        help: { type: "boolean", short: "h" },
        port: { type: "string", default: "4010" },
        host: { type: "string", default: "127.0.0.1" },
        tpm: { type: "string", default: "0" },
        rpm: { type: "string", default: "0" },
        "window-ms": { type: "string", default: "60000" },
        "latency-ms": { type: "string", default: "0" },
        "latency-per-token-ms": { type: "string", default: "0" },
        "output-weight": { type: "string" },
        faults: { type: "string", default: "" },
        seed: { type: "string", default: "1" },
        ungrounded: { type: "string", default: "0" },
      },
    }));
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: "help", text: USAGE };

  const bad: string[] = [];
  const num = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === "" || !Number.isFinite(n) || n < 0) {
      bad.push(`--${name} must be a non-negative number`);
      return 0;
    }
    return n;
  };
  const options = {
    port: num("port", values.port),
    host: values.host,
    tpm: num("tpm", values.tpm),
    rpm: num("rpm", values.rpm),
    windowMs: num("window-ms", values["window-ms"]) || 60_000,
    latencyMs: num("latency-ms", values["latency-ms"]),
    latencyPerOutputTokenMs: num("latency-per-token-ms", values["latency-per-token-ms"]),
    ...(values["output-weight"] !== undefined
      ? { outputTokenWeight: num("output-weight", values["output-weight"]) }
      : {}),
    faults: values.faults,
    seed: num("seed", values.seed),
    ungrounded: num("ungrounded", values.ungrounded),
  };
  try {
    parseFaults(options.faults);
  } catch (error) {
    bad.push(`--faults: ${error instanceof Error ? error.message : String(error)}`);
  }
  return bad.length > 0 ? { kind: "error", message: bad.join("\n") } : { kind: "run", options };
}
