import type { Server } from "node:http";
import type { Express } from "express";
import type { Logger } from "./lib/logger.ts";

/**
 * Listens, and on SIGINT/SIGTERM stops accepting connections, lets requests in flight finish (SSE streams are
 * cut), then runs `cleanup`.
 */
export async function serve(
  app: Express,
  config: { PORT: number; HOST: string },
  logger: Logger,
  cleanup: () => Promise<void>,
): Promise<Server> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  logger.info(
    { url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}` },
    "Threatline API listening",
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
    server.close(() => {
      void cleanup().finally(() => process.exit(0));
    });
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  return server;
}
