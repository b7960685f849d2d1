import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isFinalStatus,
  type AnalysisDto,
  type BatchDto,
  type CurrentThreatDto,
  type Mitigation,
  type SubmissionResult,
} from "@threatline/domain";
import {
  EXPORT_FORMATS,
  EXPORT_FORMAT_INFO,
  FullReportSchema,
  type FullReport,
  lineHashes,
  renderPrototypeJson,
} from "@threatline/reports";
import ExcelJS from "exceljs";
import { FEATURE_ROUTES } from "../src/app.ts";
import { exportRoutes } from "../src/routes/exports.routes.ts";
import { createHarness, type Harness } from "./harness.ts";
import { K8S_DEPLOYMENT, OPENAPI_USERS } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";
import { sarifErrors } from "../../../packages/reports/test/sarif-validator.ts";
import { Ajv2020 } from "../../../packages/reports/test/ajv.ts";
import { readFixture } from "../../../packages/reports/test/helpers.ts";
import { otmErrors, threatDragonErrors } from "../../../packages/reports/test/td-validator.ts";

if (!FEATURE_ROUTES.includes(exportRoutes)) FEATURE_ROUTES.push(exportRoutes);

function text(res: request.Response): string {
  return typeof res.text === "string" ? res.text : String(res.body);
}

describe("exports and imports over the API, on PostgreSQL and Redis", () => {
  let h: Harness;
  let projectId: string;
  let batchId: string;
  let analyses: SubmissionResult["analyses"];
  let threatCounts: Map<string, number>;

  beforeAll(async () => {
    // RULE_DOCS_URL as a deployment sets it (without the trailing slash): SARIF rules link to their pages.
    h = await createHarness({ config: { RULE_DOCS_URL: "https://docs.example/threatline/rules" } });
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "exports" }).expect(201)).body as { id: string }
    ).id;
    const submitted = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({
        files: [
          { path: "k8s/api.yaml", content: K8S_DEPLOYMENT },
          { path: "api/users.yaml", content: OPENAPI_USERS },
        ],
      })
      .expect(202);
    ({ batchId, analyses } = submitted.body as SubmissionResult);
    h.startWorker();
    const batch = await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${batchId}`)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      60_000,
      "the batch to finish",
    );
    expect(batch.counts, JSON.stringify(batch.analyses)).toEqual({ succeeded: 2 });
    threatCounts = new Map(batch.analyses.map((a) => [a.id, a.threatCount]));
    for (const count of threatCounts.values()) expect(count).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("exports one analysis as SARIF, as a download, valid against the SARIF schema", async () => {
    const id = analyses[0]!.id;
    const res = await request(h.app).get(`/api/v1/analyses/${id}/export?format=sarif`).buffer(true).expect(200);
    expect(res.headers["content-type"]).toBe("application/sarif+json; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(
      /^attachment; filename="threatline-exports-api-\d{8}-\d{6}\.sarif"$/,
    );
    const log = JSON.parse(text(res)) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; helpUri?: string; fullDescription: { text: string } }> } };
        results: Array<{
          partialFingerprints: Record<string, string>;
          locations: Array<{
            physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } };
          }>;
        }>;
      }>;
    };
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0]!.results).toHaveLength(threatCounts.get(id)!);
    for (const result of log.runs[0]!.results) {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      expect(artifactLocation).toEqual({ uri: "k8s/api.yaml", uriBaseId: "%SRCROOT%" });
      // GitHub's REST upload does not compute line hashes: the export carries them, from the stored template.
      expect(result.partialFingerprints.primaryLocationLineHash).toBe(lineHashes(K8S_DEPLOYMENT)[region.startLine]);
    }
    for (const rule of log.runs[0]!.tool.driver.rules) {
      expect(rule.helpUri).toBe(`https://docs.example/threatline/rules/${rule.id}.md`);
      expect(rule.fullDescription.text).not.toContain("{resource}");
    }
  });

  it("exports a batch as CSV with a row per threat and resource", async () => {
    const res = await request(h.app)
      .get(`/api/v1/batches/${batchId}/export?format=csv`)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toContain('.csv"');
    // The bytes as downloaded start with the UTF-8 byte order mark Excel needs to read the file as UTF-8.
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder("utf-8").decode(bytes).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^fingerprint,category,severity/);
    const total = [...threatCounts.values()].reduce((a, b) => a + b, 0);
    expect(lines.length - 1).toBeGreaterThanOrEqual(total);
  });

  it("exports the project's current state as full JSON, with triage applied to the summary", async () => {
    const before = FullReportSchema.parse(
      (await request(h.app).get(`/api/v1/projects/${projectId}/export?format=json`).expect(200)).body,
    );
    expect(before.scope).toEqual({ kind: "project", id: projectId });
    expect(before.files.map((f) => f.path)).toEqual(["api/users.yaml", "k8s/api.yaml"]);
    expect(before.threats).toHaveLength([...threatCounts.values()].reduce((a, b) => a + b, 0));
    const target = before.threats[0]!;
    await h.database.db.triage.create({
      data: { projectId, fingerprint: target.fingerprint, status: "accepted", owner: "sec@example.com", note: "known" },
    });
    const after = FullReportSchema.parse(
      (await request(h.app).get(`/api/v1/projects/${projectId}/export?format=json`).expect(200)).body,
    );
    expect(after.triage[target.fingerprint]).toMatchObject({
      status: "accepted",
      owner: "sec@example.com",
      note: "known",
    });
    expect(after.summary.riskScore).toBe(before.summary.riskScore - target.score);
  });

  it("serves every format with its content type", async () => {
    for (const format of EXPORT_FORMATS) {
      const res = await request(h.app)
        .get(`/api/v1/projects/${projectId}/export?format=${format}`)
        .buffer(true)
        .expect(200);
      expect(res.headers["content-type"], format).toBe(EXPORT_FORMAT_INFO[format].mediaType);
      expect(res.headers["content-disposition"], format).toMatch(
        new RegExp(`\\.${EXPORT_FORMAT_INFO[format].extension.replace(".", "\\.")}"$`),
      );
      expect(text(res).length, format).toBeGreaterThan(0);
    }
  });

  it("serves the project as an XLSX workbook that re-reads with ExcelJS: a row per threat, triage columns", async () => {
    const report = (await request(h.app).get(`/api/v1/projects/${projectId}/export?format=json`).expect(200))
      .body as FullReport;
    const res = await request(h.app)
      .get(`/api/v1/projects/${projectId}/export?format=xlsx`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers["content-disposition"]).toMatch(/\.xlsx"$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const threats = workbook.getWorksheet("Threats")!;
    expect(threats.rowCount).toBe(report.threats.length + 1);
    expect(threats.autoFilter).toBe("A1:U1");
    expect((threats.getRow(1).values as unknown[]).slice(16, 20)).toEqual([
      "Triage status",
      "Owner",
      "Expires",
      "Note",
    ]);
  });

  it("draws the project's system graph (built by the worker) in Threat Dragon and OTM exports, valid by their schemas", async () => {
    await waitFor(
      async () => (await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`)).status === 200 || undefined,
      60_000,
      "the system graph",
    );
    const graph = (await request(h.app).get(`/api/v1/projects/${projectId}/system-graph`).expect(200)).body as {
      nodes: Array<{ label: string }>;
    };
    const td = JSON.parse(
      text(
        await request(h.app).get(`/api/v1/projects/${projectId}/export?format=threat-dragon`).buffer(true).expect(200),
      ),
    ) as { detail: { diagrams: Array<{ title: string; cells: Array<{ shape: string; data: { name: string } }> }> } };
    expect(threatDragonErrors(td)).toEqual([]);
    expect(td.detail.diagrams[0]!.title).toBe("System");
    const names = td.detail.diagrams[0]!.cells.map((c) => c.data.name);
    for (const n of graph.nodes) expect(names).toContain(n.label);
    const otm = JSON.parse(
      text(await request(h.app).get(`/api/v1/projects/${projectId}/export?format=otm`).buffer(true).expect(200)),
    ) as unknown;
    expect(otmErrors(otm)).toEqual([]);
    // An analysis export draws that template's part of the graph only.
    const one = analyses.find((a) => a.path === "k8s/api.yaml")!;
    const part = JSON.parse(
      text(await request(h.app).get(`/api/v1/analyses/${one.id}/export?format=threat-dragon`).buffer(true).expect(200)),
    ) as typeof td;
    expect(threatDragonErrors(part)).toEqual([]);
    expect(part.detail.diagrams[0]!.cells.length).toBeLessThan(td.detail.diagrams[0]!.cells.length);
  });

  it("answers unknown formats and ids with the error envelope", async () => {
    const bad = await request(h.app).get(`/api/v1/projects/${projectId}/export?format=pdf`).expect(400);
    expect(bad.body).toEqual({
      error: { code: "export/unsupported-format", message: expect.stringContaining("sarif") as string },
    });
    const missing = await request(h.app)
      .get("/api/v1/analyses/0194c3a0-0000-7000-8000-000000000000/export?format=csv")
      .expect(404);
    expect((missing.body as { error: { code: string } }).error.code).toBe("analysis/not-found");
    expect(
      (
        (await request(h.app).get("/api/v1/batches/0194c3a0-0000-7000-8000-000000000000/export").expect(404)).body as {
          error: { code: string };
        }
      ).error.code,
    ).toBe("batch/not-found");
  });

  it("imports Threat Composer's example and exports it back unchanged (assumptions, links, statuses, descriptions)", async () => {
    const original = JSON.parse(
      readFileSync(
        new URL("../../../packages/reports/test/fixtures/threat-composer/ThreatComposer.tc.json", import.meta.url),
        "utf8",
      ),
    ) as Record<string, unknown>;
    const other = (
      (await request(h.app).post("/api/v1/projects").send({ name: "tc round trip" }).expect(201)).body as { id: string }
    ).id;
    const imported = (
      await request(h.app).post(`/api/v1/projects/${other}/imports?filename=tc.json`).send(original).expect(201)
    ).body as { analysisId: string };
    const res = await request(h.app)
      .get(`/api/v1/analyses/${imported.analysisId}/export?format=threat-composer`)
      .buffer(true)
      .expect(200);
    expect(JSON.parse(text(res))).toEqual(original);
  });

  it("imports a prototype JSON download as a finished analysis with provider import", async () => {
    const document = JSON.parse(
      renderPrototypeJson({
        threats: [
          {
            fingerprint: "x",
            ruleId: null,
            category: "InformationDisclosure",
            title: "Legacy finding",
            description: "From the prototype.",
            severity: "high",
            likelihood: 4,
            impact: 4,
            score: 16,
            resources: [],
            evidence: [],
            remediations: [{ text: "Fix it." }],
            references: { cwe: [], capec: [], attack: [] },
            source: "llm",
          },
        ],
      }),
    ) as Record<string, unknown>;
    document["Information Disclosure"] = document.InformationDisclosure;
    delete document.InformationDisclosure;
    const res = await request(h.app)
      .post(`/api/v1/projects/${projectId}/imports?filename=legacy%20model.json`)
      .send(document)
      .expect(201);
    const outcome = res.body as { analysisId: string; path: string; format: string; threatCount: number };
    expect(outcome).toMatchObject({ path: "imports/legacy-model.json", format: "prototype-json", threatCount: 1 });
    const analysis = (await request(h.app).get(`/api/v1/analyses/${outcome.analysisId}`).expect(200))
      .body as AnalysisDto;
    expect(analysis).toMatchObject({
      provider: "import",
      status: "succeeded",
      path: "imports/legacy-model.json",
      threatCount: 1,
    });
    const threats = (await request(h.app).get(`/api/v1/analyses/${outcome.analysisId}/threats`).expect(200)).body as {
      items: Array<{ title: string; source: string; severity: string }>;
    };
    expect(threats.items).toMatchObject([{ title: "Legacy finding", source: "import", severity: "high" }]);
    const blob = await h.database.db.templateVersion.findUnique({
      where: { id: analysis.templateVersionId },
      include: { blob: true },
    });
    expect(JSON.parse(blob!.blob.content)).toEqual(document);
    const project = FullReportSchema.parse(
      (await request(h.app).get(`/api/v1/projects/${projectId}/export?format=json`).expect(200)).body,
    );
    expect(project.files.map((f) => f.path)).toContain("imports/legacy-model.json");
    const events = await h.database.db.auditEvent.findMany({
      where: { action: { in: ["analysis.import", "report.export"] } },
      orderBy: { at: "asc" },
    });
    expect(events.find((e) => e.action === "analysis.import" && e.targetId === outcome.analysisId)).toMatchObject({
      targetType: "analysis",
      targetId: outcome.analysisId,
      details: { format: "prototype-json", path: "imports/legacy-model.json", threats: 1 },
    });
    expect(
      events.filter((e) => e.action === "report.export" && e.targetType === "project" && e.targetId === projectId)
        .length,
    ).toBeGreaterThan(0);
  });

  it("round-trips a project through Threat Composer into another project", async () => {
    const exported = await request(h.app)
      .get(`/api/v1/projects/${projectId}/export?format=threat-composer`)
      .buffer(true)
      .expect(200);
    const document = JSON.parse(text(exported)) as { threats: unknown[] };
    const other = (
      (await request(h.app).post("/api/v1/projects").send({ name: "exports-copy" }).expect(201)).body as { id: string }
    ).id;
    const res = await request(h.app).post(`/api/v1/projects/${other}/imports`).send(document).expect(201);
    expect(res.body).toMatchObject({ format: "threat-composer", threatCount: document.threats.length, warnings: [] });
    const source = FullReportSchema.parse(
      (await request(h.app).get(`/api/v1/projects/${projectId}/export?format=json`).expect(200)).body,
    );
    const copy = FullReportSchema.parse(
      (await request(h.app).get(`/api/v1/projects/${other}/export?format=json`).expect(200)).body,
    );
    const key = (t: { category: string; title: string; severity: string }) => `${t.category}|${t.title}|${t.severity}`;
    expect(copy.threats.map(key).sort()).toEqual(source.threats.map(key).sort());
  });

  it("refuses documents it cannot read with import/invalid", async () => {
    const res = await request(h.app).post(`/api/v1/projects/${projectId}/imports`).send({ hello: "world" }).expect(400);
    expect((res.body as { error: { code: string } }).error.code).toBe("import/invalid");
    const empty = await request(h.app).post(`/api/v1/projects/${projectId}/imports`).send({ Spoofing: {} }).expect(400);
    expect((empty.body as { error: { message: string } }).error.message).toContain("no threats");
  });

  it("carries mitigation records, hand-written threats and edits into the exports; all-done mitigations resolve a threat", async () => {
    const validateTc = new Ajv2020({ allErrors: true, strict: false }).compile(
      JSON.parse(readFixture("threat-composer/threat-composer-v1.schema.json")) as object,
    );
    const api = (path: string) => `/api/v1/projects/${projectId}${path}`;
    const exportOf = async (format: string, path = api("/export")) =>
      text(await request(h.app).get(`${path}?format=${format}`).buffer(true).expect(200));
    const before = FullReportSchema.parse(JSON.parse(await exportOf("json")));
    const current = (
      (await request(h.app).get(api("/threats?limit=500")).expect(200)).body as { items: CurrentThreatDto[] }
    ).items;
    // Two open threats of different templates, so an analysis export sees one of them.
    const [a, b] = [...new Set(current.filter((t) => t.triage === "open").map((t) => t.analysisId))].map((id) =>
      current.find((t) => t.triage === "open" && t.analysisId === id)!,
    );
    expect(a && b).toBeTruthy();
    const done = (
      await request(h.app)
        .post(api("/mitigations"))
        .send({
          title: "Deny by default",
          description: "A default-deny policy in front of the service.",
          status: "done",
          owner: "platform team",
          ticketUrl: "https://tickets.example.com/SEC-7",
          fingerprints: [a!.fingerprint],
        })
        .expect(201)
    ).body as Mitigation;
    const doing = (
      await request(h.app)
        .post(api("/mitigations"))
        .send({ title: "Rate-limit the API", status: "in_progress", fingerprints: [b!.fingerprint] })
        .expect(201)
    ).body as Mitigation;
    const manual = (
      await request(h.app)
        .post(api("/threats"))
        .send({
          category: "Spoofing",
          severity: "high",
          title: "Support staff can impersonate customers",
          description: "The console logs in as any customer.",
          resource: { id: "SupportConsole", type: "process" },
        })
        .expect(201)
    ).body as CurrentThreatDto;
    await request(h.app)
      .patch(api(`/threats/${b!.fingerprint}`))
      .send({ title: "Unthrottled user API" })
      .expect(200);

    const report = FullReportSchema.parse(JSON.parse(await exportOf("json")));
    expect(report.mitigations?.map((m) => [m.id, m.status, m.fingerprints])).toEqual([
      [done.id, "done", [a!.fingerprint]],
      [doing.id, "in_progress", [b!.fingerprint]],
    ]);
    expect(report.threats.map((t) => t.fingerprint)).toContain(manual.fingerprint);
    expect(report.threats.find((t) => t.fingerprint === b!.fingerprint)!.title).toBe("Unthrottled user API");
    // The done mitigation closes its threat; the hand-written threat (high, 12) opens a new one.
    expect(report.summary.openCount).toBe(before.summary.openCount);
    expect(report.summary.riskScore).toBe(before.summary.riskScore - a!.score + manual.score);

    const tc = JSON.parse(await exportOf("threat-composer")) as {
      threats: Array<{ id: string; status: string; metadata: Array<{ key: string; value: unknown }> }>;
      mitigations: Array<{ id: string; content: string; status: string; metadata?: unknown[] }>;
      mitigationLinks: Array<{ mitigationId: string; linkedId: string }>;
    };
    expect(validateTc(tc), JSON.stringify(validateTc.errors)).toBe(true);
    expect(tc.mitigations.slice(0, 2)).toEqual([
      {
        id: done.id,
        numericId: 1,
        displayOrder: 1,
        content: "Deny by default",
        status: "mitigationResolved",
        metadata: [
          { key: "Comments", value: "A default-deny policy in front of the service." },
          { key: "custom:owner", value: "platform team" },
          { key: "custom:ticket", value: "https://tickets.example.com/SEC-7" },
        ],
        tags: ["threatline"],
      },
      expect.objectContaining({ id: doing.id, content: "Rate-limit the API", status: "mitigationInProgress" }),
    ]);
    const statusOfLinked = (mitigationId: string) =>
      tc.mitigationLinks
        .filter((l) => l.mitigationId === mitigationId)
        .map((l) => tc.threats.find((t) => t.id === l.linkedId)!.status);
    expect(statusOfLinked(done.id)).toEqual(["threatResolved"]);
    expect(statusOfLinked(doing.id)).toEqual(["threatIdentified"]);
    expect(tc.threats).toHaveLength(report.threats.length);

    const csv = (await exportOf("csv")).replace(/^\uFEFF/, "").split("\r\n");
    const header = csv[0]!.split(",");
    const row = csv.find((l) => l.startsWith(a!.fingerprint))!.split(",");
    expect(row[header.indexOf("status")]).toBe("mitigated");
    expect(row[header.indexOf("triage_status")]).toBe("open");

    // An analysis's export carries the mitigations of its own threats only.
    const ofA = FullReportSchema.parse(JSON.parse(await exportOf("json", `/api/v1/analyses/${a!.analysisId}/export`)));
    expect(ofA.mitigations?.map((m) => m.id)).toEqual([done.id]);
    expect(ofA.threats.map((t) => t.fingerprint)).not.toContain(manual.fingerprint);
    const otm = JSON.parse(await exportOf("otm")) as { mitigations: Array<{ id: string }> };
    expect(otmErrors(otm)).toEqual([]);
    expect(otm.mitigations.map((m) => m.id)).toEqual(expect.arrayContaining([done.id, doing.id]));
  });
});
