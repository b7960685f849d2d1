import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUrl } from "../../../../test/support.ts";
import {
  faultMixScenario,
  sigkillScenario,
  sigtermScenario,
  type FaultEnv,
} from "../../../../scripts/faults/scenarios.ts";
import { createHarness, type Harness } from "../harness.ts";
import { faultEnv } from "./fault-env.ts";

// Real worker processes (node --import tsx apps/worker/src/main.ts) against this file's own database and Redis
// prefix, with a fake Bedrock whose latency keeps analyses in flight long enough to be interrupted.
describe("worker processes under faults", () => {
  let h: Harness;
  let env: FaultEnv;
  beforeAll(async () => {
    h = await createHarness();
    env = await faultEnv(h, redisUrl());
  });
  afterAll(async () => {
    await h.close();
  });

  it("SIGKILL mid-batch: every analysis ends exactly once, no duplicate threats", async () => {
    const report = await sigkillScenario(env, { files: 30, concurrency: 4, llmLatencyMs: 400, lockMs: 3_000 });
    expect(report.inFlightAtKill).toBeGreaterThan(0);
    expect(report.check.total).toBe(30);
    expect(report.check.byStatus).toEqual({ succeeded: 30 });
    expect(report.check.duplicateThreats).toBe(0);
    expect(report.check.countMismatches).toEqual([]);
    expect(report.check.notPersistedOnce).toEqual([]);
    expect(report.check.threats).toBeGreaterThan(0);
    // No attempt failed on the way (a deadlock between workers finishing one project's analyses did, once).
    expect(report.attemptErrors).toEqual([]);
  }, 150_000);

  it("SIGTERM mid-batch: running analyses finish before the worker exits 0; another worker does the rest", async () => {
    const report = await sigtermScenario(env, { files: 10, concurrency: 3, llmLatencyMs: 600 });
    expect(report.inFlightAtTerm).toBeGreaterThan(0);
    expect(report.exitCode).toBe(0);
    expect(report.finishedByDrain).toBe(report.inFlightAtTerm);
    expect(report.check.byStatus).toEqual({ succeeded: 10 });
    expect(report.attemptErrors).toEqual([]);
    expect(report.check.duplicateThreats).toBe(0);
    expect(report.check.notPersistedOnce).toEqual([]);
  }, 150_000);

  it("a fake Bedrock answering 429/503/500/cut/malformed: every analysis succeeds or is partial with a reason", async () => {
    const report = await faultMixScenario(env, { files: 12, workers: 2 });
    expect(report.check.total).toBe(12);
    expect(Object.keys(report.check.byStatus).every((s) => s === "succeeded" || s === "partial")).toBe(true);
    expect(report.check.unexplained).toEqual([]);
    expect(report.check.duplicateThreats).toBe(0);
    expect(report.check.countMismatches).toEqual([]);
    // The mix really was served: some requests failed on purpose.
    expect(Object.values(report.fakeStats.faults).reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
  }, 180_000);
});
