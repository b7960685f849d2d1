import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Redis } from "ioredis";

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_500,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    try {
      return statSync(resolve(dir, command)).isFile();
    } catch {
      return false;
    }
  });
}

export interface LocalRedis {
  url: string;
  stop(): void;
}

/**
 * The Redis `npm start` uses: REDIS_URL when set; otherwise the default local port, and when nothing answers
 * there, a `redis-server` started here (data under DATA_DIR, `noeviction` so BullMQ's keys are never evicted,
 * an append-only file so queued work survives a restart).
 */
export async function ensureRedis(configured: string | undefined, dataDir: string): Promise<LocalRedis> {
  const url = configured ?? "redis://127.0.0.1:6379";
  if (await answers(url)) return { url, stop: () => undefined };
  if (configured)
    throw new Error(
      `Redis at ${configured} does not answer. Start it, or unset REDIS_URL to let Threatline start a local one.`,
    );
  if (!onPath("redis-server")) {
    throw new Error(
      "Threatline needs Redis and none answers at 127.0.0.1:6379.\n" +
        "  Debian/Ubuntu: sudo apt-get install -y redis-server   (then run npm start again)\n" +
        "  macOS:         brew install redis && brew services start redis\n" +
        "  Docker:        docker run -d -p 6379:6379 redis:7 --maxmemory-policy noeviction\n" +
        "  Or point REDIS_URL at a Redis you have.",
    );
  }
  const dir = resolve(dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      "6379",
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error("redis-server did not start; run it yourself or set REDIS_URL.");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => child.kill("SIGTERM") };
}
