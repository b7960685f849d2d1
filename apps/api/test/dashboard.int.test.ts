import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isFinalStatus,
  type BatchDto,
  type CurrentThreatDto,
  type DashboardDto,
  type LlmSettingsDto,
  type ProjectDto,
  type RiskPoint,
  type SubmissionResult,
  type TemplateSummary,
  type ThreatDiffDto,
  type TriageResultDto,
} from "@threatline/domain";
import { createHarness, type Harness } from "./harness.ts";
import { K8S_DEPLOYMENT, OPENAPI_USERS } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";

/** The same deployment plus a debug pod on the host network: new threats appear, none go away. */
const K8S_V2 = `${K8S_DEPLOYMENT}---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: prod
spec:
  hostNetwork: true
  containers:
    - name: sh
      image: busybox
`;

describe("dashboard, project detail, triage and settings endpoints", () => {
  let h: Harness;
  let projectId: string;
  let otherProjectId: string;

  async function submit(files: Array<{ path: string; content: string }>): Promise<SubmissionResult> {
    const res = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files, source: "web" })
      .expect(202);
    const result = res.body as SubmissionResult;
    await waitFor(
      async () => {
        const batch = (await request(h.app).get(`/api/v1/batches/${result.batchId}`)).body as BatchDto;
        return batch.analyses.every((a) => isFinalStatus(a.status)) ? batch : undefined;
      },
      60_000,
      "batch to finish",
    );
    return result;
  }
  const project = async () =>
    (await request(h.app).get(`/api/v1/projects/${projectId}`).expect(200)).body as ProjectDto;
  const threats = async (query = "") =>
    (await request(h.app).get(`/api/v1/projects/${projectId}/threats${query}`).expect(200)).body as {
      total: number;
      items: CurrentThreatDto[];
    };

  beforeAll(async () => {
    h = await createHarness();
    h.startWorker();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "storefront" }).expect(201)).body as ProjectDto
    ).id;
    const team = await h.database.db.team.create({ data: { name: "Someone else" } });
    otherProjectId = (await h.database.db.project.create({ data: { teamId: team.id, name: "secret" } })).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists current threats across templates with filters, sorting and pagination", async () => {
    await submit([
      { path: "k8s/api.yaml", content: K8S_DEPLOYMENT },
      { path: "api/users.yaml", content: OPENAPI_USERS },
    ]);
    const all = await threats("?limit=500");
    expect(all.total).toBeGreaterThan(1);
    expect(new Set(all.items.map((t) => t.path))).toEqual(new Set(["api/users.yaml", "k8s/api.yaml"]));
    expect(all.items.every((t) => t.triage === "open")).toBe(true);
    const scores = all.items.map((t) => t.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const page = await threats("?limit=1&offset=1");
    expect(page.total).toBe(all.total);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.id).toBe(all.items[1]!.id);

    const byResource = await threats("?resource=Deployment/prod/api&limit=500");
    expect(byResource.total).toBeGreaterThan(0);
    expect(byResource.items.every((t) => t.resources.some((r) => r.id === "Deployment/prod/api"))).toBe(true);
    expect(byResource.total).toBeLessThan(all.total);

    const category = all.items[0]!.category;
    const byCategory = await threats(`?category=${category}&limit=500`);
    expect(byCategory.items.every((t) => t.category === category)).toBe(true);
    expect(byCategory.total).toBe(all.items.filter((t) => t.category === category).length);

    await request(h.app).get(`/api/v1/projects/${projectId}/threats?sort=nonsense`).expect(400);
  });

  it("serves the analysed source so evidence lines can be shown", async () => {
    const [first] = (await threats("?resource=Deployment/prod/api")).items;
    const source = (await request(h.app).get(`/api/v1/analyses/${first!.analysisId}/source`).expect(200)).body as {
      path: string;
      content: string;
    };
    expect(source.path).toBe("k8s/api.yaml");
    expect(source.content).toBe(K8S_DEPLOYMENT);
  });

  it("rejects an acceptance without owner or expiry, and unknown fingerprints", async () => {
    const [t] = (await threats()).items;
    const res = await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${t!.fingerprint}`)
      .send({ status: "accepted", note: "later" })
      .expect(400);
    expect((res.body as { error: { code: string } }).error.code).toBe("request/invalid");
    const past = await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${t!.fingerprint}`)
      .send({ status: "accepted", owner: "ana", expiresAt: "2001-01-01" })
      .expect(400);
    expect((past.body as { error: { code: string } }).error.code).toBe("triage/invalid");
    const unknown = await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/not-a-fingerprint`)
      .send({ status: "mitigated" })
      .expect(404);
    expect((unknown.body as { error: { code: string } }).error.code).toBe("threat/not-found");
  });

  it("lowers the project risk on triage, and the decision survives a re-analysis", async () => {
    const before = await project();
    const bucketThreats = (await threats("?resource=Deployment/prod/api&limit=500")).items;
    const fingerprints = bucketThreats.map((t) => t.fingerprint);
    const closedScore = bucketThreats.reduce((s, t) => s + t.score, 0);
    const result = (
      await request(h.app)
        .post(`/api/v1/projects/${projectId}/triage`)
        .send({
          fingerprints,
          decision: {
            status: "accepted",
            owner: "ana@example.com",
            expiresAt: "2099-01-01T00:00:00Z",
            note: "behind CloudFront",
          },
        })
        .expect(200)
    ).body as TriageResultDto;
    expect(result.updated).toHaveLength(fingerprints.length);
    expect(result.project.riskScore).toBeCloseTo(before.riskScore - closedScore);
    expect((await project()).riskScore).toBeCloseTo(before.riskScore - closedScore);
    const accepted = await threats("?triage=accepted&limit=500");
    expect(accepted.items.map((t) => t.fingerprint).sort()).toEqual([...fingerprints].sort());
    expect(accepted.items[0]!.triageOwner).toBe("ana@example.com");

    // A new version of the template: new threats appear, the old decisions still apply.
    await submit([{ path: "k8s/api.yaml", content: K8S_V2 }]);
    const after = await threats("?triage=accepted&limit=500");
    expect(after.items.map((t) => t.fingerprint).sort()).toEqual([...fingerprints].sort());
    const open = await threats("?triage=open&limit=500");
    expect(open.items.some((t) => t.resources.some((r) => r.id === "Pod/prod/debug"))).toBe(true);
    const risk = (await project()).riskScore;
    expect(risk).toBeCloseTo(open.items.reduce((s, t) => s + t.score, 0));

    // Reopening puts the risk back.
    await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${fingerprints[0]}`)
      .send({ status: "open" })
      .expect(200);
    expect((await project()).riskScore).toBeCloseTo(risk + bucketThreats[0]!.score);
  });

  it("lists templates with versions, diffs two versions, and draws the trend with a marker per analysis", async () => {
    const templates = (
      (await request(h.app).get(`/api/v1/projects/${projectId}/templates`).expect(200)).body as {
        items: TemplateSummary[];
      }
    ).items;
    const k8s = templates.find((t) => t.path === "k8s/api.yaml")!;
    expect(k8s.versions).toHaveLength(2);
    expect(k8s.format).toBe("kubernetes");
    const [newest, oldest] = k8s.versions;
    const diff = (
      await request(h.app).get(`/api/v1/projects/${projectId}/diff?from=${oldest!.id}&to=${newest!.id}`).expect(200)
    ).body as ThreatDiffDto;
    expect(diff.new.length).toBeGreaterThan(0);
    expect(diff.new.every((t) => t.resources.some((r) => r.id === "Pod/prod/debug"))).toBe(true);
    expect(diff.unchanged.length).toBeGreaterThan(0);
    expect(diff.resolved).toEqual([]);
    const openapi = templates.find((t) => t.path === "api/users.yaml")!;
    await request(h.app)
      .get(`/api/v1/projects/${projectId}/diff?from=${oldest!.id}&to=${openapi.versions[0]!.id}`)
      .expect(400);

    const trend = (
      (await request(h.app).get(`/api/v1/projects/${projectId}/trend`).expect(200)).body as { items: RiskPoint[] }
    ).items;
    const markers = trend.filter((p) => p.analysisId);
    expect(markers).toHaveLength(3);
    expect(trend.length).toBeGreaterThan(markers.length); // the triage changes are points too
    expect(trend.at(-1)!.riskScore).toBeCloseTo((await project()).riskScore);
    expect(markers.map((m) => m.path).sort()).toEqual(["api/users.yaml", "k8s/api.yaml", "k8s/api.yaml"]);

    const timeline = (
      (await request(h.app).get(`/api/v1/projects/${projectId}/timeline`).expect(200)).body as {
        items: Array<{ path: string }>;
      }
    ).items;
    expect(timeline).toHaveLength(3);
  });

  it("summarises the team on the dashboard", async () => {
    const d = (await request(h.app).get("/api/v1/dashboard?days=14").expect(200)).body as DashboardDto;
    const p = await project();
    expect(d.teamRisk.current).toBeCloseTo(p.riskScore);
    expect(d.teamRisk.series).toHaveLength(14);
    expect(d.teamRisk.series.at(-1)!.riskScore).toBeCloseTo(p.riskScore);
    expect(d.projects.map((x) => x.name)).toEqual(["storefront"]);
    expect(d.projects[0]!.spark.at(-1)).toBeCloseTo(p.riskScore);
    expect(d.heatmap).toHaveLength(30);
    expect(d.heatmap.reduce((s, c) => s + c.count, 0)).toBe((await threats("?triage=open")).total);
    // First analyses: every threat new; the second version of k8s/api.yaml: only the debug pod's are new.
    const all = (await threats("?limit=500")).total;
    const week = d.weekly.reduce((s, w) => ({ new: s.new + w.new, resolved: s.resolved + w.resolved }), {
      new: 0,
      resolved: 0,
    });
    expect(week).toEqual({ new: all, resolved: 0 });
    expect(d.riskiestResources[0]!.projectName).toBe("storefront");
    // Every threat of the deployment but one is accepted: the debug pod carries more open risk.
    const pod = d.riskiestResources.findIndex((r) => r.resourceId === "Pod/prod/debug");
    const deployment = d.riskiestResources.findIndex((r) => r.resourceId === "Deployment/prod/api");
    expect(pod).toBeGreaterThanOrEqual(0);
    expect(deployment === -1 || deployment > pod).toBe(true);
    expect(d.recentAnalyses).toHaveLength(3);
    expect(d.queue).not.toBeNull();
    expect(d.llmSpend.days).toHaveLength(14);
    expect(d.llmSpend.totalUsd).toBe(0);
  });

  it("reports rules-only settings without secrets", async () => {
    const s = (await request(h.app).get("/api/v1/settings/llm").expect(200)).body as LlmSettingsDto;
    expect(s.mode).toBe(process.env.THREATLINE_LLM_PROVIDER ? "llm" : "rules");
    expect(s.teams.map((t) => t.name)).toEqual(["Default"]);
  });

  it("answers 404 for another team's project on every route", async () => {
    const fp = (await threats()).items[0]!.fingerprint;
    const paths = [
      "templates",
      "threats",
      "trend",
      "timeline",
      "triage",
      `diff?from=${otherProjectId}&to=${otherProjectId}`,
    ];
    for (const p of paths) {
      const res = await request(h.app).get(`/api/v1/projects/${otherProjectId}/${p}`).expect(404);
      expect((res.body as { error: { code: string } }).error.code).toBe("project/not-found");
    }
    await request(h.app)
      .put(`/api/v1/projects/${otherProjectId}/triage/${fp}`)
      .send({ status: "mitigated" })
      .expect(404);
    await request(h.app)
      .post(`/api/v1/projects/${otherProjectId}/triage`)
      .send({ fingerprints: [fp], decision: { status: "mitigated" } })
      .expect(404);
    const d = (await request(h.app).get("/api/v1/dashboard").expect(200)).body as DashboardDto;
    expect(d.projects.map((x) => x.id)).not.toContain(otherProjectId);
  });
});

describe("a project with 10,000 current threats", () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    const { db } = h.database;
    const team = await db.team.findFirstOrThrow({ where: { name: "Default" } });
    projectId = (await db.project.create({ data: { teamId: team.id, name: "big" } })).id;
    const blob = await db.blob.create({ data: { sha256: "b".repeat(64), content: "x", size: 1 } });
    const template = await db.template.create({ data: { projectId, path: "big.yaml" } });
    const version = await db.templateVersion.create({ data: { templateId: template.id, sha256: blob.sha256 } });
    const analysis = await db.analysis.create({
      data: {
        projectId,
        templateVersionId: version.id,
        status: "succeeded",
        engineVersion: "test",
        finishedAt: new Date(),
        threatCount: 10_000,
      },
    });
    // As the worker does when it persists an analysis: the template's current analysis is this one.
    await db.template.update({ where: { id: template.id }, data: { currentAnalysisId: analysis.id } });
    const severities = ["critical", "high", "medium", "low", "info"] as const;
    await db.threat.createMany({
      data: Array.from({ length: 10_000 }, (_, i) => ({
        analysisId: analysis.id,
        projectId,
        fingerprint: `fp-${String(i).padStart(5, "0")}`,
        ruleId: "TL-TEST",
        category: "Tampering" as const,
        title: `Threat ${i}`,
        description: "",
        severity: severities[i % 5]!,
        likelihood: 1 + (i % 5),
        impact: 1 + (i % 5),
        score: (1 + (i % 5)) ** 2,
        resources: [{ id: `res-${i % 100}`, type: "t", file: "big.yaml", line: 1 }],
        evidence: [],
        remediations: [],
        references: { cwe: [], capec: [], attack: [] },
        source: "rule",
      })),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("pages, filters and bulk-triages on the server", async () => {
    const page = (
      await request(h.app)
        .get(`/api/v1/projects/${projectId}/threats?limit=50&offset=9950&sort=title&order=asc`)
        .expect(200)
    ).body as { total: number; items: CurrentThreatDto[] };
    expect(page.total).toBe(10_000);
    expect(page.items).toHaveLength(50);
    const titles = page.items.map((t) => t.title);
    expect(titles).toEqual([...titles].sort());

    const res = (await request(h.app).get(`/api/v1/projects/${projectId}/threats?resource=res-7&limit=500`).expect(200))
      .body as { total: number };
    expect(res.total).toBe(100);

    const fingerprints = Array.from({ length: 1000 }, (_, i) => `fp-${String(i).padStart(5, "0")}`);
    await request(h.app)
      .post(`/api/v1/projects/${projectId}/triage`)
      .send({ fingerprints, decision: { status: "false_positive", note: "generated" } })
      .expect(200);
    const open = (await request(h.app).get(`/api/v1/projects/${projectId}/threats?triage=open&limit=1`).expect(200))
      .body as { total: number };
    expect(open.total).toBe(9_000);
    const d = (await request(h.app).get("/api/v1/dashboard").expect(200)).body as DashboardDto;
    expect(d.heatmap.reduce((s, c) => s + c.count, 0)).toBe(9_000);
  });
});
