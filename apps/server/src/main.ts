import { pino } from "pino";
import { exitIfMetricsOpen } from "@threatline/queue";
import { loadConfig } from "@threatline/api";
import { ServerConfigSchema, startServer } from "./server.ts";

const config = loadConfig(ServerConfigSchema);
exitIfMetricsOpen({ host: config.HOST, setting: "HOST" }, config.METRICS_TOKEN, "Threatline");
const logger = pino({ name: "threatline", level: config.LOG_LEVEL });
let running;
try {
  running = await startServer(config, logger);
} catch (error) {
  process.stderr.write(`\nThreatline could not start:\n${error instanceof Error ? error.message : String(error)}\n\n`);
  process.exit(1);
}
process.stdout.write(`\n  Threatline is running at ${running.url}\n\n`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: running analyses are stopped and put back in the queue");
    const deadline = setTimeout(() => {
      logger.warn("shutdown deadline reached with analyses still running; they resume at the next start");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_SECONDS * 1_000);
    deadline.unref();
    void running.close().finally(() => process.exit(0));
  });
}
