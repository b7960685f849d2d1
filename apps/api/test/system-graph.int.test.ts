import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isFinalStatus,
  SystemGraphDtoSchema,
  type BatchDto,
  type SubmissionResult,
  type SystemGraphDto,
} from "@threatline/domain";
import { createHarness, type Harness } from "./harness.ts";
import { waitFor } from "../../../test/support.ts";
import { loadProject } from "../../../packages/system/test/load-project.ts";

describe("GET /projects/:id/system-graph, built by the worker when analyses finish", () => {
  let h: Harness;
  let projectId: string;
  const shop = loadProject("shop");

  async function submit(files: Array<{ path: string; content: string }>): Promise<void> {
    const res = await request(h.app).post(`/api/v1/projects/${projectId}/submissions`).send({ files }).expect(202);
    const { batchId } = res.body as SubmissionResult;
    await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${batchId}`)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      90_000,
      "the batch to finish",
    );
  }

  /** The graph once the worker has stored one at least this version with this many files. */
  async function graphAt(version: number, fileCount: number): Promise<SystemGraphDto> {
    return waitFor(
      async () => {
        const res = await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`);
        const g = res.body as SystemGraphDto;
        return res.status === 200 && g.version >= version && g.files.length === fileCount ? g : undefined;
      },
      60_000,
      `system graph version ${version}`,
    );
  }

  beforeAll(async () => {
    h = await createHarness();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "shop" }).expect(201)).body as { id: string }
    ).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers 404 system-graph/not-found before any analysis has finished", async () => {
    const res = await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`).expect(404);
    expect(res.body.error.code).toBe("system-graph/not-found");
  });

  it("stores the merged graph of every current analysis, with threats and cross-file links", async () => {
    h.startWorker();
    await submit(shop);
    const g = await graphAt(1, shop.length);
    expect(() => SystemGraphDtoSchema.parse(g)).not.toThrow();
    expect(g.files.every((f) => f.analysisId !== null)).toBe(true);
    expect(
      g.edges.find(
        (e) => e.from === "k8s/web.yaml#ServiceAccount/shop/web" && e.to === "app/main.tf#aws_iam_role.orders",
      )?.crossFile,
    ).toBe(true);
    const alb = g.nodes.find((n) => n.id === "network/network.yaml#WebAlb")!;
    expect(alb.threats.map((t) => t.ruleId)).toEqual(expect.arrayContaining(["TL-AWS-ELB-002", "TL-AWS-ELB-007"]));
    expect(g.threats.map((t) => t.ruleId)).toEqual(expect.arrayContaining(["TL-SYS-001", "TL-SYS-002"]));
    // Stored once per state, not rebuilt per request.
    const rows = await h.deps.db.systemGraph.count({ where: { projectId } });
    await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`).expect(200);
    expect(await h.deps.db.systemGraph.count({ where: { projectId } })).toBe(rows);
    const latest = await h.deps.db.systemGraph.findFirst({ where: { projectId }, orderBy: { version: "desc" } });
    expect(latest!.version).toBe(g.version);
  });

  it("hides threats triaged as accepted, mitigated or false positive", async () => {
    const g = await graphAt(1, shop.length);
    const target = g.nodes.find((n) => n.id === "network/network.yaml#WebAlb")!.threats[0]!;
    await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${target.fingerprint}`)
      .send({ status: "false_positive", note: "fronted by a WAF in another account" })
      .expect(200);
    const after = (await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`).expect(200))
      .body as SystemGraphDto;
    const alb = after.nodes.find((n) => n.id === "network/network.yaml#WebAlb")!;
    expect(alb.threats.map((t) => t.fingerprint)).not.toContain(target.fingerprint);
    expect(alb.threats.length).toBe(g.nodes.find((n) => n.id === alb.id)!.threats.length - 1);
  });

  it("keeps every version: a changed file gives a new one, and ?version= reads an older one", async () => {
    const before = await graphAt(1, shop.length);
    const data = shop.find((f) => f.path === "data/data.yaml")!;
    const changed = `${data.content}  AuditTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: shop-audit
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
`;
    await submit([{ path: "data/data.yaml", content: changed }]);
    const after = await waitFor(
      async () => {
        const g = (await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`)).body as SystemGraphDto;
        return g.nodes?.some((n) => n.id === "data/data.yaml#AuditTable") ? g : undefined;
      },
      60_000,
      "the graph with the new table",
    );
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.versions.map((v) => v.version)).toContain(before.version);
    const old = (
      await request(h.app).get(`/api/v1/projects/${projectId}/system-graph?version=${before.version}`).expect(200)
    ).body as SystemGraphDto;
    expect(old.version).toBe(before.version);
    expect(old.nodes.some((n) => n.id === "data/data.yaml#AuditTable")).toBe(false);
    const missing = await request(h.app).get(`/api/v1/projects/${projectId}/system-graph?version=999`).expect(404);
    expect(missing.body.error.code).toBe("system-graph/not-found");
    const bad = await request(h.app).get(`/api/v1/projects/${projectId}/system-graph?version=zero`).expect(400);
    expect(bad.body.error.code).toBe("request/invalid");
  });

  it("answers 404 project/not-found to a member of another team, and lets a viewer of the team read", async () => {
    const other = await h.createTeam("elsewhere");
    const outsider = await h.createUser({ teams: { [other]: "admin" } });
    const outsiderToken = await h.tokenFor(outsider.id);
    const res = await request(h.api)
      .get(`/api/v1/projects/${projectId}/system-graph`)
      .set("Authorization", `Bearer ${outsiderToken}`)
      .expect(404);
    expect(res.body.error.code).toBe("project/not-found");
    expect(res.text).not.toContain("WebAlb");
    const viewer = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    await request(h.api)
      .get(`/api/v1/projects/${projectId}/system-graph`)
      .set("Authorization", `Bearer ${await h.tokenFor(viewer.id)}`)
      .expect(200);
    await request(h.api).get(`/api/v1/projects/${projectId}/system-graph`).expect(401);
  });
});
