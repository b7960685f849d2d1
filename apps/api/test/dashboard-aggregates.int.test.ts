import { randomBytes } from "node:crypto";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SEVERITIES,
  STRIDE_CATEGORIES,
  seededRandom,
  type DashboardDto,
  type Severity,
  type Threat,
  type TriageStatus,
} from "@threatline/domain";
import { refreshProjectRisk } from "@threatline/db";
import { persistOutcome, type AnalysisOutcome } from "@threatline/worker";
import type { Actor } from "../src/auth/context.ts";
import { endOfDaySeries, windowDays } from "../src/services/dashboard.service.ts";
import { decideTriage } from "../src/services/triage.service.ts";
import { createHarness, type Harness } from "./harness.ts";

const DAYS = 14;
const DAY_MS = 86_400_000;
const CLOSED: ReadonlySet<TriageStatus> = new Set(["accepted", "mitigated", "false_positive"]);
const RESOURCE_IDS = ["Bucket", "Role", "Queue", "Table", "Function"];

interface Fixture {
  projectId: string;
  teamId: string;
  templates: Array<{ id: string; path: string }>;
}

/**
 * What the dashboard should say, recomputed the long way from the rows the aggregates summarise: each template's
 * current analysis ranked from its analyses (not read from the pointer), its threats less closed triage, and the
 * risk series from every snapshot.
 */
async function recompute(h: Harness, projectIds: string[], now: Date) {
  const db = h.database.db;
  const analyses = await db.analysis.findMany({
    where: { projectId: { in: projectIds }, status: { in: ["succeeded", "partial"] } },
    select: { id: true, finishedAt: true, templateVersion: { select: { templateId: true } } },
  });
  const latest = new Map<string, { id: string; finishedAt: Date }>();
  for (const a of analyses) {
    const seen = latest.get(a.templateVersion.templateId);
    const at = a.finishedAt!;
    if (!seen || at > seen.finishedAt || (at.getTime() === seen.finishedAt.getTime() && a.id > seen.id))
      latest.set(a.templateVersion.templateId, { id: a.id, finishedAt: at });
  }
  const triage = await db.triage.findMany({ where: { projectId: { in: projectIds } } });
  const closed = new Set(triage.filter((t) => CLOSED.has(t.status)).map((t) => `${t.projectId}/${t.fingerprint}`));
  const threats = (
    await db.threat.findMany({ where: { analysisId: { in: [...latest.values()].map((l) => l.id) } } })
  ).filter((t) => !closed.has(`${t.projectId}/${t.fingerprint}`));

  const heat = new Map<string, number>();
  const heatRisk = new Map<string, number>();
  const risk = new Map<string, { riskScore: number; threatCount: number }>();
  const resources = new Map<
    string,
    {
      projectId: string;
      resourceId: string;
      resourceType: string;
      file: string;
      threatCount: number;
      riskScore: number;
      worstSeverity: Severity;
    }
  >();
  for (const t of threats) {
    heat.set(`${t.category}/${t.severity}`, (heat.get(`${t.category}/${t.severity}`) ?? 0) + 1);
    heatRisk.set(`${t.category}/${t.severity}`, (heatRisk.get(`${t.category}/${t.severity}`) ?? 0) + t.score);
    const r = risk.get(t.projectId) ?? { riskScore: 0, threatCount: 0 };
    risk.set(t.projectId, { riskScore: r.riskScore + t.score, threatCount: r.threatCount + 1 });
    for (const ref of t.resources as Array<{ id: string; type: string; file: string }>) {
      const key = JSON.stringify([t.projectId, ref.id, ref.type, ref.file]);
      const row = resources.get(key) ?? {
        projectId: t.projectId,
        resourceId: ref.id,
        resourceType: ref.type,
        file: ref.file,
        threatCount: 0,
        riskScore: 0,
        worstSeverity: "info" as Severity,
      };
      row.threatCount += 1;
      row.riskScore += t.score;
      if (SEVERITIES.indexOf(t.severity) < SEVERITIES.indexOf(row.worstSeverity)) row.worstSeverity = t.severity;
      resources.set(key, row);
    }
  }

  const window = windowDays(now, DAYS);
  const since = new Date(`${window[0]}T00:00:00.000Z`);
  const snapshots = await db.riskSnapshot.findMany({
    where: { projectId: { in: projectIds } },
    orderBy: { at: "asc" },
  });
  const sparks = new Map(
    projectIds.map((id) => {
      const mine = snapshots.filter((s) => s.projectId === id);
      const before = mine.filter((s) => s.at < since).at(-1);
      return [
        id,
        endOfDaySeries(
          window,
          mine.filter((s) => s.at >= since),
          before?.riskScore ?? 0,
        ),
      ];
    }),
  );
  // Spend counts every analysis finished in the window; churn, the succeeded and partial ones, by ISO week.
  const finished = await db.analysis.findMany({ where: { projectId: { in: projectIds }, finishedAt: { gte: since } } });
  const spend = window.map((day) => {
    const mine = finished.filter((a) => a.finishedAt!.toISOString().slice(0, 10) === day);
    return {
      day,
      costUsd: Math.round(mine.reduce((s, a) => s + Number(a.costUsd) * 1_000_000, 0)) / 1_000_000,
      inputTokens: mine.reduce((s, a) => s + a.inputTokens, 0),
      outputTokens: mine.reduce((s, a) => s + a.outputTokens, 0),
    };
  });
  const weekly = new Map<string, { week: string; new: number; resolved: number }>();
  for (const a of finished
    .filter((x) => x.status === "succeeded" || x.status === "partial")
    .sort((x, y) => x.finishedAt!.getTime() - y.finishedAt!.getTime())) {
    const day = new Date(`${a.finishedAt!.toISOString().slice(0, 10)}T00:00:00.000Z`);
    const week = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
    const w = weekly.get(week) ?? { week, new: 0, resolved: 0 };
    weekly.set(week, { week, new: w.new + a.newThreatCount, resolved: w.resolved + a.resolvedThreatCount });
  }
  return {
    spend,
    weekly: [...weekly.values()],
    heatmap: STRIDE_CATEGORIES.flatMap((category) =>
      SEVERITIES.map((severity) => ({
        category,
        severity,
        count: heat.get(`${category}/${severity}`) ?? 0,
        risk: heatRisk.get(`${category}/${severity}`) ?? 0,
      })),
    ),
    risk,
    resources: [...resources.values()].sort((a, b) => b.riskScore - a.riskScore || b.threatCount - a.threatCount),
    sparks,
  };
}

describe("dashboard aggregates agree with a recomputation from the threats", () => {
  let h: Harness;
  const fixtures: Fixture[] = [];
  let adminOfBoth: Actor;
  let bothToken: string;

  beforeAll(async () => {
    h = await createHarness();
    const db = h.database.db;
    const otherTeam = await h.createTeam("Elsewhere");
    for (const [teamId, name] of [
      [h.defaultTeamId, "alpha"],
      [h.defaultTeamId, "bravo"],
      [otherTeam, "charlie"],
    ] as const) {
      const project = await db.project.create({ data: { teamId, name } });
      const templates = [];
      for (const path of ["a/main.yaml", "b/net.tf", "c/api.yaml"])
        templates.push(await db.template.create({ data: { projectId: project.id, path } }));
      fixtures.push({ projectId: project.id, teamId, templates: templates.map((t) => ({ id: t.id, path: t.path })) });
    }
    const user = await h.createUser({ teams: { [h.defaultTeamId]: "viewer", [otherTeam]: "viewer" } });
    bothToken = await h.tokenFor(user.id, { scopes: ["read"] });
    adminOfBoth = {
      userId: null,
      tokenId: null,
      isAdmin: true,
      teams: new Map([
        [h.defaultTeamId, "admin"],
        [otherTeam, "admin"],
      ]),
    };
  });
  afterAll(async () => {
    await h.close();
  });

  /** One analysis of a template: a new version, then the worker's persist with random threats and outcome. */
  async function analyse(random: () => number, f: Fixture, template: Fixture["templates"][number]) {
    const db = h.database.db;
    const sha256 = randomBytes(32).toString("hex");
    await db.blob.create({ data: { sha256, content: sha256, size: 64 } });
    const version = await db.templateVersion.create({ data: { templateId: template.id, sha256 } });
    const analysis = await db.analysis.create({
      data: { projectId: f.projectId, templateVersionId: version.id, status: "running", engineVersion: "test" },
    });
    const roll = random();
    const status = roll < 0.6 ? "succeeded" : roll < 0.8 ? "partial" : "failed";
    const threats: Threat[] = [];
    if (status !== "failed") {
      // A pool of 12 fingerprints per template: re-analyses keep some, drop some and find new ones, with
      // attributes that may change between runs.
      for (let k = 0; k < 12; k++) {
        if (random() < 0.45) continue;
        const likelihood = 1 + Math.floor(random() * 5);
        const impact = 1 + Math.floor(random() * 5);
        const refs = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
          const id = RESOURCE_IDS[Math.floor(random() * RESOURCE_IDS.length)]!;
          return { id, type: `AWS::${id}`, file: template.path, line: 1 };
        });
        threats.push({
          fingerprint: `${template.path}#${k}`,
          ruleId: `TL-${k}`,
          category: STRIDE_CATEGORIES[Math.floor(random() * STRIDE_CATEGORIES.length)]!,
          title: `Threat ${k}`,
          description: "",
          severity: SEVERITIES[Math.floor(random() * SEVERITIES.length)]!,
          likelihood,
          impact,
          score: likelihood * impact,
          resources: refs,
          evidence: [],
          remediations: [],
          references: { cwe: [], capec: [], attack: [] },
          source: "rule",
        });
      }
    }
    const outcome: AnalysisOutcome = {
      status,
      format: "cloudformation",
      resourceCount: threats.length,
      threats,
      omitted: null,
      provider: "rules",
      model: null,
      promptHash: null,
      usage: {
        inputTokens: Math.floor(random() * 5000),
        outputTokens: Math.floor(random() * 900),
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        latencyMs: null,
        costUsd: Math.round(random() * 50_000) / 1_000_000,
      },
      cacheHit: false,
      ungroundedCount: 0,
      error: status === "failed" ? { code: "analysis/failed", message: "failed on purpose" } : null,
    };
    await persistOutcome(db, analysis.id, f.projectId, new Date(), outcome);
  }

  async function triage(random: () => number, f: Fixture) {
    const known = await h.database.db.threat.findMany({
      where: { projectId: f.projectId },
      distinct: ["fingerprint"],
      select: { fingerprint: true },
    });
    const picked = known.filter(() => random() < 0.3).map((k) => k.fingerprint);
    if (picked.length === 0) return;
    const statuses = ["open", "accepted", "mitigated", "false_positive"] as const;
    const status = statuses[Math.floor(random() * statuses.length)]!;
    const decision =
      status === "accepted"
        ? { status, owner: "ana", expiresAt: "2099-01-01T00:00:00Z", note: "" }
        : { status, note: "" };
    await decideTriage(h.database.db, adminOfBoth, f.projectId, picked, decision);
  }

  async function check(now: Date) {
    for (const [who, auth, visible] of [
      ["the default team's admin", null, fixtures.filter((f) => f.teamId === h.defaultTeamId)],
      ["a viewer of both teams", `Bearer ${bothToken}`, fixtures],
    ] as const) {
      const req = request(auth ? h.api : h.app).get(`/api/v1/dashboard?days=${DAYS}`);
      const d = (await (auth ? req.set("authorization", auth) : req).expect(200)).body as DashboardDto;
      const ids = visible.map((f) => f.projectId);
      const want = await recompute(h, ids, now);
      expect(d.projects.map((p) => p.id).sort(), who).toEqual([...ids].sort());
      expect(d.heatmap, who).toEqual(want.heatmap);
      expect(d.weekly, who).toEqual(want.weekly);
      expect(
        d.llmSpend.days.map((x) => ({ ...x, costUsd: Math.round(x.costUsd * 1_000_000) / 1_000_000 })),
        who,
      ).toEqual(want.spend);
      for (const p of d.projects) {
        const r = want.risk.get(p.id) ?? { riskScore: 0, threatCount: 0 };
        expect(p.riskScore, `${who}: risk of ${p.name}`).toBeCloseTo(r.riskScore, 6);
        expect(p.threatCount, `${who}: threats of ${p.name}`).toBe(r.threatCount);
        const spark = want.sparks.get(p.id)!;
        expect(p.spark.length).toBe(spark.length);
        p.spark.forEach((v, i) => expect(v, `${who}: ${p.name} on day ${i}`).toBeCloseTo(spark[i]!, 6));
      }
      d.teamRisk.series.forEach((point, i) =>
        expect(point.riskScore, `${who}: team risk on ${point.day}`).toBeCloseTo(
          ids.reduce((s, id) => s + want.sparks.get(id)![i]!, 0),
          6,
        ),
      );
      // Riskiest resources: a best 10 by (risk, threat count); which of several tied rows fill the last places is
      // the database's choice, so the list is checked as "every row is real, distinct, and the ranks match".
      const got = d.riskiestResources.map(({ projectName: _name, ...r }) => r);
      const top = want.resources.slice(0, 10);
      expect(
        got.map((r) => [r.riskScore, r.threatCount]),
        who,
      ).toEqual(top.map((r) => [r.riskScore, r.threatCount]));
      for (const r of got) expect(want.resources, who).toContainEqual(r);
      expect(new Set(got.map((r) => JSON.stringify(r))).size).toBe(got.length);
    }
  }

  it.each([1, 2, 3])(
    "random analyses, re-analyses, failures and triage (seed %i)",
    async (seed) => {
      const random = seededRandom(seed);
      for (let step = 0; step < 24; step++) {
        const f = fixtures[Math.floor(random() * fixtures.length)]!;
        const roll = random();
        if (roll < 0.55) await analyse(random, f, f.templates[Math.floor(random() * f.templates.length)]!);
        else if (roll < 0.8) await triage(random, f);
        // A refresh stamped in the past (as a clock stepping back, or history before the window): the day rows
        // must still close each day on its latest snapshot.
        else
          await refreshProjectRisk(h.database.db, f.projectId, null, {
            now: new Date(Date.now() - Math.floor(random() * (DAYS + 6)) * DAY_MS - Math.floor(random() * DAY_MS)),
          });
        if (step % 4 === 3) await check(new Date());
      }
      await check(new Date());
    },
    120_000,
  );
});
