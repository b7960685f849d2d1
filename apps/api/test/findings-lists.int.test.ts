import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isFinalStatus,
  type AnalysisDto,
  type BatchDto,
  type HygieneSummary,
  type SubmissionResult,
  type TemplateSummary,
  type Threat,
} from "@threatline/domain";
import { createHarness, type Harness } from "./harness.ts";
import { waitFor } from "../../../test/support.ts";

/** A template AWS samples would write: `Type` given twice in one resource (YAML's last one wins). */
const DUPLICATE_KEY = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs
      BucketName: app-logs
`;

/** Real risks (public write, no TLS) and hygiene (2 low, 1 info) in one file. */
const MIXED = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicReadWrite
  Jobs:
    Type: AWS::SQS::Queue
`;

const CLEAN = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
`;

describe("threat lists a team reads: lenient-read warnings and hygiene folded per file", () => {
  let h: Harness;
  let projectId: string;
  let batch: BatchDto;

  beforeAll(async () => {
    h = await createHarness();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "warnings" }).expect(201)).body as { id: string }
    ).id;
    h.startWorker();
    const { batchId } = (
      await request(h.app)
        .post(`/api/v1/projects/${projectId}/submissions`)
        .send({
          files: [
            { path: "infra/dup.yaml", content: DUPLICATE_KEY },
            { path: "infra/clean.yaml", content: CLEAN },
            { path: "app/data.yaml", content: MIXED },
          ],
        })
        .expect(202)
    ).body as SubmissionResult;
    batch = await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${batchId}`).expect(200)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      60_000,
      "the batch to finish",
    );
  });
  afterAll(async () => h.close());

  const analysisOf = async (path: string): Promise<AnalysisDto> =>
    (
      await request(h.app)
        .get(`/api/v1/analyses/${batch.analyses.find((a) => a.path === path)!.id}`)
        .expect(200)
    ).body as AnalysisDto;

  it("returns each duplicate key with its line on the analysis, and the analysis still succeeds", async () => {
    const dup = await analysisOf("infra/dup.yaml");
    expect(dup.status).toBe("succeeded");
    expect(dup.resourceCount).toBe(1);
    expect(dup.warnings.map((w) => [w.code, w.line])).toEqual([
      ["template/duplicate-key", 5],
      ["template/duplicate-key", 8],
    ]);
    expect(dup.warnings[1]!.message).toContain('"BucketName"');
    expect((await analysisOf("infra/clean.yaml")).warnings).toEqual([]);
  });

  it("counts them on the project's template list", async () => {
    const templates = (await request(h.app).get(`/api/v1/projects/${projectId}/templates`).expect(200)).body as {
      items: TemplateSummary[];
    };
    const count = Object.fromEntries(templates.items.map((t) => [t.path, t.warningCount]));
    expect(count).toEqual({ "app/data.yaml": 0, "infra/clean.yaml": 0, "infra/dup.yaml": 2 });
  });

  it("lists them in the Markdown and HTML exports of the batch", async () => {
    const md = await request(h.app).get(`/api/v1/batches/${batch.id}/export?format=markdown`).buffer(true).expect(200);
    expect(md.text).toContain("## Read leniently (2)");
    expect(md.text).toContain("infra/dup.yaml:8");
    const html = await request(h.app).get(`/api/v1/batches/${batch.id}/export?format=html`).buffer(true).expect(200);
    expect(html.text).toContain("<code>infra/dup.yaml:5");
  });

  type ListPage = { total: number; items: Threat[]; hygiene?: HygieneSummary };
  const list = async (url: string): Promise<ListPage> => (await request(h.app).get(url).expect(200)).body as ListPage;

  it("lists critical to medium and counts low and info per file with hygiene=exclude, filters kept", async () => {
    const id = batch.analyses.find((a) => a.path === "app/data.yaml")!.id;
    const all = await list(`/api/v1/analyses/${id}/threats`);
    expect(all.hygiene).toBeUndefined();
    const hygieneCount = all.items.filter((t) => t.severity === "low" || t.severity === "info").length;
    expect(hygieneCount).toBe(3);

    const risks = await list(`/api/v1/analyses/${id}/threats?hygiene=exclude`);
    expect(risks.items.map((t) => t.severity)).not.toContain("low");
    expect(risks.items.map((t) => t.severity)).not.toContain("info");
    expect(risks.total).toBe(all.total - 3);
    expect(risks.hygiene).toEqual({ total: 3, byFile: [{ file: "app/data.yaml", low: 2, info: 1 }] });

    // The other filters apply to the folded counts too.
    const queue = await list(`/api/v1/analyses/${id}/threats?hygiene=exclude&resource=Jobs`);
    expect(queue.total).toBe(0);
    expect(queue.hygiene).toEqual({ total: 2, byFile: [{ file: "app/data.yaml", low: 1, info: 1 }] });

    const group = await list(`/api/v1/analyses/${id}/threats?hygiene=only&file=app/data.yaml`);
    expect(group.items.map((t) => t.severity).sort()).toEqual(["info", "low", "low"]);
    expect((await list(`/api/v1/analyses/${id}/threats?hygiene=only&file=other.yaml`)).total).toBe(0);
    await request(h.app).get(`/api/v1/analyses/${id}/threats?hygiene=some`).expect(400);
  });

  it("folds the project's current threats the same way", async () => {
    const risks = await list(`/api/v1/projects/${projectId}/threats?hygiene=exclude&limit=500`);
    expect(risks.items.every((t) => t.severity !== "low" && t.severity !== "info")).toBe(true);
    expect(risks.hygiene!.byFile.map((g) => g.file)).toEqual(["app/data.yaml", "infra/clean.yaml", "infra/dup.yaml"]);
    const one = await list(`/api/v1/projects/${projectId}/threats?hygiene=only&file=infra/dup.yaml&limit=500`);
    expect(one.total).toBe(risks.hygiene!.byFile[2]!.low + risks.hygiene!.byFile[2]!.info);
  });
});
