import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
/** Starts an entry point with exactly these settings (none inherited), as a deployment would. */
function start(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", resolve(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}
// Nothing listens there: a process that got past its settings would fail differently (or hang until the timeout).
const NOWHERE = { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none", REDIS_URL: "redis://127.0.0.1:1" };

describe("a process that would serve /metrics openly beyond loopback refuses to start", () => {
  it.each([
    ["the API", "apps/api/src/main.ts", { HOST: "0.0.0.0" }, "Threatline API cannot start", "HOST=0.0.0.0"],
    ["npm start", "apps/server/src/main.ts", { HOST: "0.0.0.0" }, "Threatline cannot start", "HOST=0.0.0.0"],
    [
      "a worker",
      "apps/worker/src/main.ts",
      { WORKER_METRICS_PORT: "9464", WORKER_METRICS_HOST: "0.0.0.0" },
      "Threatline worker cannot start",
      "WORKER_METRICS_HOST=0.0.0.0",
    ],
  ])(
    "%s: exit 78 and what to set",
    (_name, entry, env, prefix, where) => {
      const result = start(entry, { ...NOWHERE, ...env });
      expect(result.stderr).toContain(`${prefix}: /metrics would be open to anyone who can reach ${where}`);
      expect(result.stderr).toContain("Set METRICS_TOKEN");
      expect(result.status).toBe(78);
    },
    60_000,
  );

  it("a token too short to be one is refused as an invalid setting, before anything else", () => {
    const result = start("apps/api/src/main.ts", { ...NOWHERE, HOST: "0.0.0.0", METRICS_TOKEN: "short" });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain("METRICS_TOKEN: must be at least 16 characters");
  }, 60_000);
});
