import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinalStatus, type BatchDto, type SubmissionResult } from "@threatline/domain";
import { createHarness, readSse, type Harness } from "./harness.ts";
import { CFN_BUCKET, K8S_DEPLOYMENT, OPENAPI_USERS } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";

describe("submissions, end to end on PostgreSQL and Redis", () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    const res = await request(h.app).post("/api/v1/projects").send({ name: "payments" }).expect(201);
    projectId = (res.body as { id: string }).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it("analyses three files and streams each status change over SSE", async () => {
    const submitted = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({
        files: [
          { path: "cfn/app.yaml", content: CFN_BUCKET },
          { path: "k8s/api.yaml", content: K8S_DEPLOYMENT },
          { path: "api/users.yaml", content: OPENAPI_USERS },
        ],
      })
      .expect(202);
    const { batchId, analyses } = submitted.body as SubmissionResult;
    expect(analyses).toHaveLength(3);

    const server = await new Promise<Server>((resolve) => {
      const s = h.app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    try {
      const stream = readSse(`http://127.0.0.1:${port}/api/v1/batches/${batchId}/events`, (events) =>
        events.some((e) => e.event === "done"),
      );
      h.startWorker();
      const events = await stream;
      expect(events[0]?.event).toBe("snapshot");
      const finals = events.filter(
        (e) => e.event === "analysis" && isFinalStatus((e.data as { status: "queued" }).status),
      );
      expect(new Set(finals.map((e) => (e.data as { analysisId: string }).analysisId))).toEqual(
        new Set(analyses.map((a) => a.id)),
      );
      const done = events.at(-1)!;
      expect(done.event).toBe("done");
      expect((done.data as BatchDto).status).toBe("succeeded");
    } finally {
      server.close();
    }

    const batch = (await request(h.app).get(`/api/v1/batches/${batchId}`).expect(200)).body as BatchDto;
    expect(batch.counts).toEqual({ succeeded: 3 });
    expect(batch.analyses.map((a) => a.format).sort()).toEqual(["cloudformation", "kubernetes", "openapi"]);
    for (const a of batch.analyses) expect(a.threatCount).toBeGreaterThan(0);

    const threats = await request(h.app).get(`/api/v1/analyses/${analyses[0]!.id}/threats`).expect(200);
    const body = threats.body as { total: number; items: Array<{ resources: Array<{ id: string; file: string }> }> };
    expect(body.total).toBeGreaterThan(0);
    expect(body.items[0]!.resources[0]).toMatchObject({ id: "AppBucket", file: "cfn/app.yaml" });

    // What the Analysis view asks for: counts for its chart, then pages filtered, sorted and paged by the server.
    const base = `/api/v1/analyses/${analyses[0]!.id}`;
    const summary = (await request(h.app).get(`${base}/threat-summary`).expect(200)).body as {
      cells: Array<{ count: number }>;
      resources: string[];
    };
    expect(summary.cells.reduce((n, c) => n + c.count, 0)).toBe(body.total);
    expect(summary.resources).toContain("AppBucket");
    const ascending = (
      (await request(h.app).get(`${base}/threats?sort=score&order=asc&limit=500`).expect(200)).body as {
        items: Array<{ score: number }>;
      }
    ).items.map((t) => t.score);
    expect(ascending).toHaveLength(body.total);
    expect(ascending).toEqual([...ascending].sort((x, y) => x - y));
    const bucket = (await request(h.app).get(`${base}/threats?resource=AppBucket`).expect(200)).body as typeof body;
    expect(bucket.total).toBeGreaterThan(0);
    for (const t of bucket.items) expect(t.resources.map((r) => r.id)).toContain("AppBucket");
    const nothing = (await request(h.app).get(`${base}/threats?resource=NoSuchResource`).expect(200))
      .body as typeof body;
    expect(nothing.total).toBe(0);
  });

  it("stores the same content once, however often it is submitted", async () => {
    const content = `${CFN_BUCKET}# dedup\n`;
    const files = [{ path: "dup/a.yaml", content }];
    const first = (await request(h.app).post(`/api/v1/projects/${projectId}/submissions`).send({ files }).expect(202))
      .body as SubmissionResult;
    const second = (await request(h.app).post(`/api/v1/projects/${projectId}/submissions`).send({ files }).expect(202))
      .body as SubmissionResult;
    expect(second.analyses[0]!.templateVersionId).toBe(first.analyses[0]!.templateVersionId);
    expect(second.analyses[0]!.deduplicated).toBe(true);
    expect(second.analyses[0]!.id).not.toBe(first.analyses[0]!.id);
    // The same bytes under another path are still one blob.
    await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files: [{ path: "dup/b.yaml", content }] })
      .expect(202);
    const { sha256 } = await h.database.db.templateVersion.findUniqueOrThrow({
      where: { id: first.analyses[0]!.templateVersionId },
    });
    expect(await h.database.db.blob.count({ where: { sha256 } })).toBe(1);
    expect(await h.database.db.templateVersion.count({ where: { sha256 } })).toBe(2);
  });

  it("answers 400 with a code for bad input and writes nothing", async () => {
    const before = await h.database.db.analysis.count();
    const dupPaths = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({
        files: [
          { path: "a.yaml", content: "x" },
          { path: "a.yaml", content: "y" },
        ],
      })
      .expect(400);
    expect(dupPaths.body).toMatchObject({ error: { code: "request/invalid" } });
    const traversal = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files: [{ path: "../etc/passwd", content: "x" }] })
      .expect(400);
    expect(traversal.body.error.code).toBe("request/invalid");
    const binary = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files: [{ path: "a.bin", content: "ab\u0000cd" }] })
      .expect(422);
    expect(binary.body.error.code).toBe("template/not-text");
    const badJson = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .set("content-type", "application/json")
      .send("{nope")
      .expect(400);
    expect(badJson.body.error.code).toBe("request/invalid");
    const unknown = await request(h.app)
      .post(`/api/v1/projects/00000000-0000-7000-8000-000000000000/submissions`)
      .send({ files: [{ path: "a.yaml", content: "x" }] })
      .expect(404);
    expect(unknown.body.error.code).toBe("project/not-found");
    expect(await h.database.db.analysis.count()).toBe(before);
  });

  it("accepts multipart uploads, including a zip, and refuses unsafe archive paths", async () => {
    const { zipSync, strToU8 } = await import("fflate");
    const zip = Buffer.from(
      zipSync({ "stack/app.yaml": strToU8(CFN_BUCKET), "stack/k8s.yaml": strToU8(K8S_DEPLOYMENT) }),
    );
    const res = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .attach("files", Buffer.from(OPENAPI_USERS), "users.yaml")
      .attach("files", zip, "bundle.zip")
      .expect(202);
    expect((res.body as SubmissionResult).analyses.map((a) => a.path).sort()).toEqual([
      "stack/app.yaml",
      "stack/k8s.yaml",
      "users.yaml",
    ]);

    const evil = Buffer.from(zipSync({ "../../evil.yaml": strToU8(CFN_BUCKET) }));
    const refused = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .attach("files", evil, "evil.zip")
      .expect(400);
    expect(refused.body.error.code).toBe("archive/unsafe-path");
  });

  it("accepts the good files of a mixed batch and refuses each bad one with its reason", async () => {
    const { zipSync, strToU8 } = await import("fflate");
    const before = await h.database.db.analysis.count();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]);
    const res = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .field("paths", "mixed/app.yaml")
      .attach("files", Buffer.from(CFN_BUCKET), "app.yaml")
      .field("paths", "mixed/logo.png.yaml")
      .attach("files", png, "logo.png.yaml")
      .field("paths", "mixed/empty.yaml")
      .attach("files", Buffer.from("   \n"), "empty.yaml")
      .field("paths", "mixed/huge.yaml")
      .attach("files", Buffer.from("a".repeat(5 * 1024 * 1024 + 20 * 1024)), "huge.yaml")
      .field("paths", "mixed/latin1.yaml")
      .attach("files", Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]), "latin1.yaml")
      .attach(
        "files",
        Buffer.from(zipSync({ "zipped/k8s.yaml": strToU8(K8S_DEPLOYMENT), "zipped/blank.yaml": strToU8("") })),
        "bundle.zip",
      )
      .expect(202);
    const result = res.body as SubmissionResult;
    expect(result.analyses.map((a) => a.path).sort()).toEqual(["mixed/app.yaml", "zipped/k8s.yaml"]);
    expect(result.rejected.map((r) => [r.path, r.code]).sort()).toEqual([
      ["mixed/empty.yaml", "template/empty"],
      ["mixed/huge.yaml", "template/too-large"],
      ["mixed/latin1.yaml", "template/not-text"],
      ["mixed/logo.png.yaml", "template/not-text"],
      ["zipped/blank.yaml", "template/empty"],
    ]);
    expect(result.rejected.find((r) => r.path === "mixed/huge.yaml")!.message).toBe(
      "The file is 5.01 MB; the limit is 5 MB.",
    );
    expect(await h.database.db.analysis.count()).toBe(before + 2);

    // Through the worker: the accepted files are analysed, the refused ones stay listed, and the batch is not
    // "succeeded" (it finished with problems).
    const batch = await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${result.batchId}`).expect(200)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      60_000,
      "the mixed batch",
    );
    expect(batch.analyses.map((a) => a.status)).toEqual(["succeeded", "succeeded"]);
    expect(batch.analyses.every((a) => a.threatCount > 0)).toBe(true);
    expect(batch.status).toBe("partial");
    expect(batch.fileCount).toBe(7);
    expect(batch.rejected).toEqual(result.rejected);
    const listed = (await request(h.app).get(`/api/v1/batches?projectId=${projectId}`).expect(200)).body as {
      items: BatchDto[];
    };
    expect(listed.items.find((b) => b.id === result.batchId)?.status).toBe("partial");
  });

  it("refuses an empty file sent alone at once, with 422 template/empty, and writes nothing", async () => {
    const before = await h.database.db.batch.count();
    const json = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files: [{ path: "empty.yaml", content: " \n\t\n" }] })
      .expect(422);
    expect(json.body.error).toMatchObject({ code: "template/empty", message: '"empty.yaml": The file is empty.' });
    const multipart = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .attach("files", Buffer.alloc(0), "nothing.yaml")
      .expect(422);
    expect(multipart.body.error.code).toBe("template/empty");
    // Every file bad: the first one's code, and the others counted.
    const two = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({
        files: [
          { path: "a.yaml", content: "" },
          { path: "b.bin", content: "a\u0000b" },
        ],
      })
      .expect(422);
    expect(two.body.error).toMatchObject({
      code: "template/empty",
      message: '"a.yaml": The file is empty. (and 1 more file)',
    });
    expect(await h.database.db.batch.count()).toBe(before);
  });

  it("leaves one set of threats when the processor runs twice for one analysis", async () => {
    const { analyses } = (
      await request(h.app)
        .post(`/api/v1/projects/${projectId}/submissions`)
        .send({ files: [{ path: "twice/app.yaml", content: CFN_BUCKET }] })
        .expect(202)
    ).body as SubmissionResult;
    const id = analyses[0]!.id;
    await waitFor(
      async () => (await h.database.db.analysis.findUniqueOrThrow({ where: { id } })).status === "succeeded",
      30_000,
      "first run",
    );
    const firstCount = await h.database.db.threat.count({ where: { analysisId: id } });
    expect(firstCount).toBeGreaterThan(0);

    // Simulate a worker that persisted but died before acknowledging: the job is delivered again.
    await h.database.db.analysis.update({ where: { id }, data: { status: "running" } });
    const job = await h.deps.queue.getJob(id);
    await job?.remove();
    await h.deps.queue.add("analyze-template", { analysisId: id }, { jobId: id });
    await waitFor(
      async () => (await h.database.db.analysis.findUniqueOrThrow({ where: { id } })).status === "succeeded",
      30_000,
      "second run",
    );
    expect(await h.database.db.threat.count({ where: { analysisId: id } })).toBe(firstCount);
  });
});
