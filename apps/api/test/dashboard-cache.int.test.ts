import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardDto, Threat } from "@threatline/domain";
import { persistOutcome, type AnalysisOutcome } from "@threatline/worker";
import type { Actor } from "../src/auth/context.ts";
import { cancelBatch, retryAnalysis } from "../src/services/analyses.service.ts";
import { createDashboardCache, getDashboard, type DashboardCache } from "../src/services/dashboard.service.ts";
import { decideTriage } from "../src/services/triage.service.ts";
import { createHarness, type Harness } from "./harness.ts";

/**
 * The dashboard's cache against the same dashboard computed without one, after each kind of change that moves
 * what it shows: an analysis finishing (succeeded, failed), triage, a cancel, a retry, a new project; and that
 * it is really used (hits) when nothing changed. `dashboard-aggregates.int.test.ts` drives the route (which has
 * a cache) through random sequences of the same changes against a recomputation from the raw rows.
 */
describe("the dashboard cache", () => {
  let h: Harness;
  let cache: DashboardCache;
  let redTeam: string;
  let blueTeam: string;
  let red: Actor;
  let blue: Actor;
  let both: Actor;
  const projects: Record<string, { id: string; templateId: string }> = {};

  const actor = (teams: string[]): Actor => ({
    userId: null,
    tokenId: null,
    isAdmin: false,
    teams: new Map(teams.map((t) => [t, "admin" as const])),
  });

  beforeAll(async () => {
    h = await createHarness();
    redTeam = await h.createTeam("red");
    blueTeam = await h.createTeam("blue");
    [red, blue, both] = [actor([redTeam]), actor([blueTeam]), actor([redTeam, blueTeam])];
    for (const [name, teamId] of [
      ["ledger", redTeam],
      ["billing", blueTeam],
    ] as const) {
      const project = await h.database.db.project.create({ data: { teamId, name } });
      const template = await h.database.db.template.create({ data: { projectId: project.id, path: "main.yaml" } });
      projects[name] = { id: project.id, templateId: template.id };
    }
    cache = createDashboardCache();
  });
  afterAll(async () => {
    await h?.close();
  });

  function threat(n: number): Threat {
    return {
      fingerprint: `main.yaml#${n}`,
      ruleId: `TL-${n}`,
      category: "Tampering",
      title: `Threat ${n}`,
      description: "",
      severity: n % 2 ? "high" : "medium",
      likelihood: 3,
      impact: 4,
      score: 12,
      resources: [{ id: `Bucket${n}`, type: "AWS::S3::Bucket", file: "main.yaml", line: 1 }],
      evidence: [],
      remediations: [],
      references: { cwe: [], capec: [], attack: [] },
      source: "rule",
    };
  }

  /** An analysis of the project's template, in a batch, persisted as the worker does; returns its id. */
  async function analyse(project: string, threats: number, status: "succeeded" | "failed" = "succeeded") {
    const db = h.database.db;
    const { id: projectId, templateId } = projects[project]!;
    const sha256 = randomBytes(32).toString("hex");
    await db.blob.create({ data: { sha256, content: sha256, size: 64 } });
    const version = await db.templateVersion.create({ data: { templateId, sha256 } });
    const batch = await db.batch.create({ data: { projectId, source: "test", fileCount: 1 } });
    const analysis = await db.analysis.create({
      data: { projectId, batchId: batch.id, templateVersionId: version.id, status: "running", engineVersion: "t" },
    });
    const outcome: AnalysisOutcome = {
      status,
      format: "cloudformation",
      resourceCount: threats,
      threats: status === "failed" ? [] : Array.from({ length: threats }, (_, i) => threat(i)),
      omitted: null,
      provider: "rules",
      model: null,
      promptHash: null,
      usage: {
        inputTokens: 1000,
        outputTokens: 100,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        latencyMs: null,
        costUsd: 0.25,
      },
      cacheHit: false,
      ungroundedCount: 0,
      error: status === "failed" ? { code: "analysis/failed", message: "on purpose" } : null,
    };
    await persistOutcome(db, analysis.id, projectId, new Date(), outcome);
    return { analysisId: analysis.id, batchId: batch.id };
  }

  /** The dashboard with the cache, checked equal to the one computed from scratch; returns it and the cache's counts. */
  async function read(who: Actor) {
    const before = { ...cache.stats };
    const now = new Date();
    const got = await getDashboard(h.database.db, h.deps.queue, who, 30, now, cache);
    const fresh = await getDashboard(h.database.db, h.deps.queue, who, 30, now);
    const comparable = (d: DashboardDto) => ({ ...d, queue: null });
    expect(comparable(got)).toEqual(comparable(fresh));
    return { d: got, hits: cache.stats.hits - before.hits, misses: cache.stats.misses - before.misses };
  }

  it("computes once, then answers from the cache while nothing changes", async () => {
    await analyse("ledger", 3);
    expect((await read(red)).misses).toBe(2);
    const again = await read(red);
    expect(again).toMatchObject({ hits: 2, misses: 0 });
    expect(again.d.projects.map((p) => [p.name, p.threatCount])).toEqual([["ledger", 3]]);
    expect(again.d.llmSpend.totalUsd).toBeCloseTo(0.25, 6);
  });

  it("keeps teams apart: another set of teams is another entry", async () => {
    await analyse("billing", 2);
    const b = await read(blue);
    expect(b.misses).toBe(2);
    expect(b.d.projects.map((p) => p.name)).toEqual(["billing"]);
    // Each project's entry is shared by every team set that reads it; only the spend is per team set.
    const all = await read(both);
    expect(all).toMatchObject({ misses: 1, hits: 2 });
    expect(all.d.projects.map((p) => p.name).sort()).toEqual(["billing", "ledger"]);
    expect((await read(red)).d.projects.map((p) => p.name)).toEqual(["ledger"]);
  });

  it("sees an analysis finish: new risk, heatmap and spend", async () => {
    await read(red);
    await analyse("ledger", 5);
    const after = await read(red);
    expect(after.misses).toBe(2);
    expect(after.d.projects[0]!.threatCount).toBe(5);
    expect(after.d.heatmap.reduce((s, c) => s + c.count, 0)).toBe(5);
    expect(after.d.llmSpend.totalUsd).toBeCloseTo(0.5, 6);
    // The other team's entry stays valid.
    expect((await read(blue)).hits).toBe(2);
  });

  it("sees triage change the risk, and keeps the spend entry and the other projects' entries", async () => {
    await read(red);
    await read(both);
    await decideTriage(h.database.db, both, projects.ledger!.id, ["main.yaml#0", "main.yaml#1"], {
      status: "mitigated",
      note: "",
    });
    const after = await read(red);
    expect(after).toMatchObject({ misses: 1, hits: 1 });
    expect(after.d.projects[0]!.threatCount).toBe(3);
    expect(after.d.heatmap.reduce((s, c) => s + c.count, 0)).toBe(3);
    // Both teams: the ledger's entry was just computed for red, billing's and the spend are unchanged.
    expect(await read(both)).toMatchObject({ misses: 0, hits: 3 });
  });

  it("sees a failed analysis, a retry and a cancel in the spend", async () => {
    await read(red);
    const failed = await analyse("ledger", 0, "failed");
    const afterFailure = await read(red);
    expect(afterFailure.d.llmSpend.totalUsd).toBeCloseTo(0.75, 6);
    expect(afterFailure.misses).toBeGreaterThanOrEqual(1);

    // A retry takes the analysis out of the finished ones (its spend leaves the window until it finishes again).
    const admin: Actor = { ...both, isAdmin: true };
    await retryAnalysis(h.database.db, h.deps.queue, admin, failed.analysisId, false);
    const afterRetry = await read(red);
    // The finished analyses are those of before the failure again, so that entry (still cached) is right again.
    expect(afterRetry).toMatchObject({ misses: 0, hits: 2 });
    expect(afterRetry.d.llmSpend.totalUsd).toBeCloseTo(0.5, 6);
    expect(afterRetry.d.recentAnalyses[0]).toMatchObject({ id: failed.analysisId, status: "queued" });

    await cancelBatch(h.database.db, h.deps.queue, admin, failed.batchId);
    const afterCancel = await read(red);
    expect(afterCancel.misses).toBe(1);
    expect(afterCancel.d.recentAnalyses[0]).toMatchObject({ id: failed.analysisId, status: "canceled" });
    expect(afterCancel.d.llmSpend.totalUsd).toBeCloseTo(0.75, 6);
  });

  it("sees a new project of a team", async () => {
    await read(red);
    await h.database.db.project.create({ data: { teamId: redTeam, name: "payroll" } });
    const after = await read(red);
    expect(after.misses).toBe(2);
    expect(after.d.projects.map((p) => p.name).sort()).toEqual(["ledger", "payroll"]);
  });
});
