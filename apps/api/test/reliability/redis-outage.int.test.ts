import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateRedis, type PrivateRedis } from "../../../../scripts/faults/lib.ts";
import { redisOutageScenario, type FaultEnv } from "../../../../scripts/faults/scenarios.ts";
import { createHarness, type Harness } from "../harness.ts";
import { faultEnv } from "./fault-env.ts";

// A redis-server of this test's own on another port (never the machine's 6379), stopped for ~10 s mid-batch.
describe("Redis outage mid-batch", () => {
  let redis: PrivateRedis;
  let h: Harness;
  let env: FaultEnv;
  beforeAll(async () => {
    redis = await privateRedis();
    h = await createHarness({ redisUrl: redis.url });
    env = await faultEnv(h, redis.url);
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined);
    await h.close();
    await redis.destroy();
  });

  it("answers 503 queue/unavailable meanwhile, then every accepted file completes exactly once", async () => {
    const report = await redisOutageScenario(
      env,
      { stop: () => redis.stop(), start: () => redis.start() },
      { files: 16, outageMs: 10_000, concurrency: 2, llmLatencyMs: 500 },
    );
    expect(report.duringOutage.length).toBeGreaterThan(0);
    expect(report.duringOutage.every((r) => r.status === 503 && r.code === "queue/unavailable")).toBe(true);
    expect(report.readyDuringOutage).toBe(503);
    for (const check of report.checks) {
      expect(Object.keys(check.byStatus)).toEqual(["succeeded"]);
      expect(check.duplicateThreats).toBe(0);
      expect(check.countMismatches).toEqual([]);
      expect(check.notPersistedOnce).toEqual([]);
    }
    expect(report.checks.reduce((s, c) => s + c.total, 0)).toBe(report.accepted);
  }, 180_000);
});
