import { pino } from "pino";
import { WorkerConfigSchema } from "./config.ts";
import { bootWorker } from "./bootstrap.ts";

// A standalone worker process (scale-out): run as many as the machine and the LLM quota allow.
const parsed = WorkerConfigSchema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`Threatline worker cannot start: invalid settings\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}\n`);
  process.exit(78);
}
const config = parsed.data;
const logger = pino({ name: "worker", level: config.LOG_LEVEL });
const running = bootWorker(config, logger);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining: finishing running jobs, taking no new ones");
    void running.close().finally(() => process.exit(0));
  });
}
