import { parseArgs } from "node:util";
import { startFakeBedrock } from "./server.ts";

const { values } = parseArgs({
  options: {
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
});

const num = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`fake-bedrock: --${name} must be a non-negative number\n`);
    process.exit(2);
  }
  return n;
};

const fake = await startFakeBedrock({
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
});
process.stdout.write(
  `fake Bedrock runtime listening on ${fake.url} (BEDROCK_ENDPOINT=${fake.url}); stats at ${fake.url}/__fake/stats\n`,
);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
