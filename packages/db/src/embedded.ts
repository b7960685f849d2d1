import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** Connection string every process can use, as with any PostgreSQL. */
  url: string;
  stop(): Promise<void>;
}

/**
 * An on-disk PGlite served over the PostgreSQL wire protocol on loopback, so that `npm start` needs no
 * database server and the rest of the code cannot tell the difference. One process only: PGlite is a
 * single-connection database, so it suits the one-process quick start, not scale-out.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  host?: string;
}): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const host = options.host ?? "127.0.0.1";
  const server = new PGLiteSocketServer({ db, host, port: options.port, maxConnections: 32 });
  await server.start();
  return {
    url: `postgresql://postgres@${host}:${options.port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
