import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinalStatus, type BatchDto, type ProjectDto, type SubmissionResult } from "@threatline/domain";
import { createHarness, type Harness } from "../harness.ts";
import { CFN_BUCKET, K8S_DEPLOYMENT } from "../fixtures.ts";
import { waitFor } from "../../../../test/support.ts";
import * as corpus from "./corpus.ts";

const MB = 1024 * 1024;
type Res = request.Response;
const code = (res: Res) => (res.body as { error?: { code?: string } }).error?.code;

interface ThreatItem {
  ruleId: string | null;
  title: string;
  resources: Array<{ id: string; file: string }>;
}

/**
 * The hostile-input corpus against the real app and a real worker on PostgreSQL and Redis: each input gets a
 * clear 4xx with a code or is handled safely, nothing is fetched from any URL in a template, and the server
 * keeps serving and processing ordinary work afterwards.
 */
describe("hostile input", () => {
  let h: Harness;
  let projectId: string;
  let server: Server;
  let base: string;
  let canary: Server;
  let canaryUrl: string;
  const canaryHits: string[] = [];

  beforeAll(async () => {
    h = await createHarness();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "hostile" }).expect(201)).body as ProjectDto
    ).id;
    h.startWorker({ concurrency: 4 });
    server = await new Promise<Server>((resolve) => {
      const s = h.app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    canary = await new Promise<Server>((resolve) => {
      const s = createServer((req, res) => {
        canaryHits.push(`${req.method} ${req.url}`);
        res.end("openapi: 3.0.0\n");
      }).listen(0, "127.0.0.1", () => resolve(s));
    });
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // Nothing in any template, at any point of this file, made the server reach out.
    expect(canaryHits).toEqual([]);
    server.close();
    canary.close();
    await h.close();
  });

  const submissions = () => `/api/v1/projects/${projectId}/submissions`;
  const submitJson = (files: Array<{ path: string; content: string }>) =>
    request(h.app).post(submissions()).send({ files });
  const expectError = (res: Res, status: number, errorCode: string) => {
    expect({ status: res.status, code: code(res) }).toEqual({ status, code: errorCode });
  };

  /** Submits one file and waits until its analysis is final; returns the analysis row and its threats. */
  async function analyse(path: string, content: string) {
    const result = (await submitJson([{ path, content }]).expect(202)).body as SubmissionResult;
    const id = result.analyses[0]!.id;
    const row = await waitFor(
      async () => {
        const a = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
        return isFinalStatus(a.status) ? a : undefined;
      },
      60_000,
      `analysis of ${path}`,
    );
    const threats = (await request(h.app).get(`/api/v1/analyses/${id}/threats?limit=500`).expect(200)).body as {
      items: ThreatItem[];
    };
    return { id, row, threats: threats.items };
  }

  /** A raw HTTP request, for what supertest will not send (declared lengths, chunked bodies). */
  function raw(options: {
    method: string;
    path: string;
    headers: Record<string, string | number>;
    body?: Buffer;
    chunked?: boolean;
  }): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${base}${options.path}`,
        { method: options.method, headers: options.headers, agent: false },
        (res: IncomingMessage) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      // A fresh connection each time (agent: false): a socket left mid-body must not carry the next request.
      // The server may answer and close before reading what we declared: that is the point.
      req.on("error", (error: NodeJS.ErrnoException) =>
        error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error),
      );
      if (options.body) req.write(options.body);
      if (!options.chunked) req.end();
      else setTimeout(() => req.end(), 50);
    });
  }

  describe("request limits", () => {
    it("refuses a 100 MB JSON body with 413 request/too-large", async () => {
      const content = "a".repeat(100 * MB);
      const res = await request(h.app)
        .post(submissions())
        .set("content-type", "application/json")
        .send(`{"files":[{"path":"big.yaml","content":"${content}"}]}`);
      expectError(res, 413, "request/too-large");
    });

    it("refuses a multipart upload declaring 100 MB before reading it", async () => {
      const res = await raw({
        method: "POST",
        path: `/api/v1${submissions().slice("/api/v1".length)}`,
        headers: {
          authorization: `Bearer ${h.adminToken}`,
          "content-type": "multipart/form-data; boundary=x",
          "content-length": 100 * MB,
        },
        body: Buffer.from("--x\r\n"),
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "request/too-large" } });
    });

    it("refuses a chunked multipart upload of unknown length with 411", async () => {
      const res = await raw({
        method: "POST",
        path: submissions(),
        headers: {
          authorization: `Bearer ${h.adminToken}`,
          "content-type": "multipart/form-data; boundary=x",
          "transfer-encoding": "chunked",
        },
        body: Buffer.from("--x\r\n"),
        chunked: true,
      });
      expect(res.status).toBe(411);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "request/length-required" } });
    });

    it("refuses 10,000 files in one JSON submission with 413 request/too-many-files", async () => {
      const files = Array.from({ length: 10_000 }, (_, i) => ({ path: `many/${i}.yaml`, content: "a: 1\n" }));
      expectError(await submitJson(files), 413, "request/too-many-files");
    });

    it("refuses 10,000 files in one multipart upload with 413 request/too-many-files", async () => {
      let req = request(h.app).post(submissions());
      for (let i = 0; i < 10_000; i++) req = req.attach("files", Buffer.from("a: 1\n"), `m${i}.yaml`);
      expectError(await req, 413, "request/too-many-files");
    });

    it("refuses a zip of 10,000 entries with 413 request/too-many-files", async () => {
      const archive = corpus.zip(
        Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`z/${i}.yaml`, corpus.text("a: 1\n")])),
      );
      expectError(
        await request(h.app).post(submissions()).attach("files", archive, "many.zip"),
        413,
        "request/too-many-files",
      );
    });

    it("stops a zip bomb (small zip, many entries expanding past the limit) with 413 archive/too-large", async () => {
      const bomb = corpus.zipBomb(12, 5 * MB - 1);
      expect(bomb.length).toBeLessThan(1 * MB);
      expectError(await request(h.app).post(submissions()).attach("files", bomb, "bomb.zip"), 413, "archive/too-large");
    });

    it("stops a single-entry zip bomb at the per-file limit with 413 template/too-large", async () => {
      const bomb = corpus.zip({ "one.yaml": new Uint8Array(200 * MB) });
      expect(bomb.length).toBeLessThan(1 * MB);
      expectError(await request(h.app).post(submissions()).attach("files", bomb, "one.zip"), 413, "template/too-large");
    });

    it("refuses a file over the per-file limit with 413 template/too-large", async () => {
      expectError(await submitJson([{ path: "big.yaml", content: "a".repeat(5 * MB + 1) }]), 413, "template/too-large");
    });
  });

  describe("archives", () => {
    it("refuses an encrypted entry with 422 archive/encrypted", async () => {
      // A zip whose entry carries the encryption flag (general-purpose bit 0), in its local header and in the
      // central directory, as ZipCrypto and AES archives do.
      const archive = corpus.zip({ "stack.yaml": corpus.text(CFN_BUCKET) });
      for (const [signature, flags] of [
        [0x04034b50, 6],
        [0x02014b50, 8],
      ] as const) {
        for (let at = 0; at + 4 <= archive.length; at += 1)
          if (archive.readUInt32LE(at) === signature)
            archive.writeUInt16LE(archive.readUInt16LE(at + flags) | 1, at + flags);
      }
      const res = await request(h.app).post(submissions()).attach("files", archive, "secret.zip");
      expectError(res, 422, "archive/encrypted");
      expect((res.body as { error: { message: string } }).error.message).toContain("stack.yaml");
    });

    it.each([
      ["../ traversal", "../../etc/cron.d/evil.yaml"],
      ["an absolute path", "/etc/passwd"],
      ["backslash traversal", "..\\..\\windows\\evil.yaml"],
      ["traversal in the middle", "ok/../../evil.yaml"],
    ])("refuses a zip entry with %s (400 archive/unsafe-path)", async (_what, name) => {
      const archive = corpus.zip({ [name]: corpus.text(CFN_BUCKET) });
      expectError(
        await request(h.app).post(submissions()).attach("files", archive, "evil.zip"),
        400,
        "archive/unsafe-path",
      );
    });

    it("treats a symlink entry as a small text file and never touches the disk", async () => {
      const archive = corpus.symlinkZip("link.yaml", "/etc/passwd");
      const result = (await request(h.app).post(submissions()).attach("files", archive, "link.zip").expect(202))
        .body as SubmissionResult;
      const analysis = await h.database.db.analysis.findUniqueOrThrow({
        where: { id: result.analyses[0]!.id },
        include: { templateVersion: { include: { blob: true } } },
      });
      expect(analysis.templateVersion.blob.content).toBe("/etc/passwd");
      const final = await waitFor(async () => {
        const a = await h.database.db.analysis.findUniqueOrThrow({ where: { id: analysis.id } });
        return isFinalStatus(a.status) ? a : undefined;
      }, 30_000);
      expect(final.errorCode).toMatch(/^template\//);
    });

    it("refuses a corrupt zip with 400 archive/invalid", async () => {
      const good = corpus.zip({ "a.yaml": corpus.text(CFN_BUCKET) });
      const corrupt = Buffer.concat([good.subarray(0, 30), Buffer.alloc(200, 0xff)]);
      expectError(
        await request(h.app).post(submissions()).attach("files", corrupt, "corrupt.zip"),
        400,
        "archive/invalid",
      );
    });

    it("refuses an empty zip with 400 archive/invalid", async () => {
      expectError(
        await request(h.app)
          .post(submissions())
          .attach("files", corpus.zip({ "folder/": new Uint8Array(0) }), "empty.zip"),
        400,
        "archive/invalid",
      );
    });

    it("does not expand a zip inside a zip: the inner archive is binary (422 template/not-text)", async () => {
      const inner = corpus.zip({ "a.yaml": corpus.text(CFN_BUCKET) });
      const outer = corpus.zip({ "inner.zip": inner });
      expectError(
        await request(h.app).post(submissions()).attach("files", outer, "outer.zip"),
        422,
        "template/not-text",
      );
    });
  });

  describe("not text", () => {
    it("refuses invalid UTF-8 with 422 template/not-text", async () => {
      const bytes = Buffer.concat([
        Buffer.from("openapi: 3.0.0\ninfo: "),
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]),
        Buffer.from("\n"),
      ]);
      expectError(
        await request(h.app).post(submissions()).attach("files", bytes, "bad.yaml"),
        422,
        "template/not-text",
      );
    });

    it("refuses NUL bytes with 422 template/not-text", async () => {
      expectError(
        await submitJson([{ path: "nul.yaml", content: "openapi: 3.0.0\u0000\ninfo: {}\n" }]),
        422,
        "template/not-text",
      );
    });

    it("refuses a binary file with 422 template/not-text", async () => {
      expectError(
        await request(h.app).post(submissions()).attach("files", corpus.PNG, "image.png"),
        422,
        "template/not-text",
      );
    });

    it("reads UTF-16 with a byte order mark (what Windows PowerShell writes) as text", async () => {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("openapi: 3.0.0\n", "utf16le")]);
      const res = await request(h.app).post(submissions()).attach("files", utf16, "utf16.yaml");
      expect(res.status).toBe(202);
    });

    it("refuses UTF-16 without a byte order mark with 422 template/not-text", async () => {
      const utf16 = Buffer.from("openapi: 3.0.0\n", "utf16le");
      expectError(
        await request(h.app).post(submissions()).attach("files", utf16, "utf16.yaml"),
        422,
        "template/not-text",
      );
    });
  });

  describe("lone surrogates (valid JSON, not text)", () => {
    it.each([
      [
        "a file's content",
        [{ path: "s.yaml", content: "openapi: 3.0.0\ninfo: { title: '\ud800' }\n" }],
        422,
        "template/not-text",
      ],
      ["a file's name", [{ path: "s\udc00.yaml", content: CFN_BUCKET }], 400, "request/invalid"],
    ])("refuses one in %s and writes nothing", async (_what, files, status, errorCode) => {
      const before = await h.database.db.analysis.count();
      expectError(await submitJson(files), status, errorCode);
      expect(await h.database.db.analysis.count()).toBe(before);
    });

    it("refuses one in any other field (a project's name) with 400 request/invalid", async () => {
      expectError(await request(h.app).post("/api/v1/projects").send({ name: "p\ud800" }), 400, "request/invalid");
    });
  });

  describe("request shapes", () => {
    it.each([
      ["a ../ path", "../../etc/passwd"],
      ["an absolute path", "/etc/passwd"],
      ["a backslash traversal", "..\\secrets.yaml"],
      ["control characters", "a\u0007\u001b[31m.yaml"],
      ["a 600-character path", `${"d/".repeat(300)}a.yaml`],
    ])("refuses a file path with %s (400 request/invalid)", async (_what, path) => {
      expectError(await submitJson([{ path, content: CFN_BUCKET }]), 400, "request/invalid");
    });

    it("refuses a traversal smuggled in the multipart paths field", async () => {
      const res = await request(h.app)
        .post(submissions())
        .field("paths", "../../evil.yaml")
        .attach("files", Buffer.from(CFN_BUCKET), "ok.yaml");
      expectError(res, 400, "request/invalid");
    });

    it("refuses an unsupported content type with 415", async () => {
      expectError(
        await request(h.app).post(submissions()).set("content-type", "text/plain").send("files"),
        415,
        "request/unsupported-media-type",
      );
    });

    it("refuses an unsupported charset with 415", async () => {
      expectError(
        await request(h.app)
          .post("/api/v1/projects")
          .set("content-type", "application/json; charset=iso-8859-1")
          .send('{"name":"x"}'),
        415,
        "request/unsupported-media-type",
      );
    });

    it("refuses malformed JSON with 400 request/invalid", async () => {
      expectError(
        await request(h.app).post(submissions()).set("content-type", "application/json").send('{"files": [}'),
        400,
        "request/invalid",
      );
    });

    it("refuses a 300,000-deep JSON request body with 400 and stays up", async () => {
      const body = `${"[".repeat(300_000)}${"]".repeat(300_000)}`;
      const res = await request(h.app).post(submissions()).set("content-type", "application/json").send(body);
      expect(res.status).toBe(400);
      expect(code(res)).toBe("request/invalid");
    });

    it("ignores __proto__ and constructor keys in bodies (no prototype pollution)", async () => {
      const res = await request(h.app)
        .post("/api/v1/projects")
        .set("content-type", "application/json")
        .send(
          '{"name":"proto","__proto__":{"isAdmin":true,"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
        );
      expect(res.status).toBe(201);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it("answers 400 for ids that are not UUIDs, including injection attempts", async () => {
      for (const id of ["1%20OR%201=1", "..%2F..%2Fetc%2Fpasswd", "%00", '\'%3B DROP TABLE "Project"--']) {
        expectError(await request(h.app).get(`/api/v1/projects/${id}`), 400, "request/invalid");
      }
      expect(await h.database.db.project.count()).toBeGreaterThan(0);
    });

    it("answers 431 to a 64 KB header and keeps serving", async () => {
      const res = await raw({ method: "GET", path: "/healthz", headers: { "x-big": "a".repeat(64 * 1024) } });
      expect(res.status).toBe(431);
      await request(h.app).get("/healthz").expect(200);
    });
  });

  describe("parsers under attack (through the worker)", () => {
    it.each([
      ["a YAML alias bomb", "bomb.yaml", corpus.ALIAS_BOMB, "template/too-many-aliases"],
      ["a YAML merge-key bomb", "merge.yaml", corpus.MERGE_KEY_BOMB, "template/too-many-aliases"],
      ["20,000 YAML aliases", "aliases.yaml", corpus.MANY_ALIASES, "template/too-many-aliases"],
      ["5,000-deep JSON", "deep.json", corpus.DEEP_JSON_TEMPLATE, "template/too-deep"],
      ["5,000-deep YAML", "deep.yaml", corpus.DEEP_YAML_TEMPLATE, "template/too-deep"],
      ["prose that is no template", "notes.txt", "Dear team, please review.\n", "template/unsupported-format"],
      ["5,000-deep JSON with no format marker", "deep-plain.json", corpus.DEEP_JSON_PLAIN, "template/too-deep"],
      ["300-deep block YAML", "deep-block.yaml", corpus.DEEP_YAML_BLOCK, "template/too-deep"],
      ["a 300,000-character first line", "long-first.yaml", corpus.LONG_FIRST_LINE, "template/line-too-long"],
    ])("fails %s with %s and keeps going", async (_what, path, content, errorCode) => {
      const { row, threats } = await analyse(path, content);
      expect({ status: row.status, errorCode: row.errorCode }).toEqual({ status: "failed", errorCode });
      expect(threats).toEqual([]);
    });

    it("refuses an empty file at submission, before any worker sees it: 422 template/empty", async () => {
      // It used to be accepted and failed by the worker; a file that can only fail is now refused at once.
      expectError(await submitJson([{ path: "empty.yaml", content: "   \n" }]), 422, "template/empty");
    });

    it("fails 3,000-deep HCL with template/too-deep", async () => {
      const { row } = await analyse("deep/main.tf", corpus.DEEP_HCL);
      expect({ status: row.status, errorCode: row.errorCode }).toEqual({
        status: "failed",
        errorCode: "template/too-deep",
      });
    });

    it("never executes YAML language tags (!!js/function, !!python/object)", async () => {
      const { row } = await analyse("tags.yaml", corpus.YAML_CODE_TAGS);
      expect(isFinalStatus(row.status)).toBe(true);
      expect((globalThis as Record<string, unknown>).__threatlinePwned).toBeUndefined();
    });

    it("analyses a 2 MB line and still finds the threats", async () => {
      const { row, threats } = await analyse("long.yaml", corpus.LONG_LINE_OPENAPI);
      expect(row.status).toBe("succeeded");
      expect(threats.map((t) => t.ruleId)).toEqual(expect.arrayContaining(["TL-API-AUTH-001", "TL-API-TLS-001"]));
    });

    it("survives OpenAPI $ref cycles", async () => {
      const { row } = await analyse("cycles.yaml", corpus.REF_CYCLES);
      expect(row.status).toBe("succeeded");
    });
  });

  describe("nothing is fetched", () => {
    it.each(["remote-ref.yaml", "openapi-urls.yaml", "cfn-urls.yaml", "k8s-urls.yaml", "main.tf"])(
      "never requests a URL found in %s",
      async (name) => {
        const [, content] = corpus.urlFields(canaryUrl).find(([n]) => n === name)!;
        const { row } = await analyse(`urls/${name}`, content);
        expect(isFinalStatus(row.status)).toBe(true);
        expect(canaryHits).toEqual([]);
      },
    );

    it("never requests URLs inside an imported document", async () => {
      // A prototype JSON download whose every text field points at the canary.
      const document = {
        Spoofing: {
          [`Token theft via ${canaryUrl}/title`]: {
            description: `See ${canaryUrl}/desc`,
            priority: "High",
            remediations: [`${canaryUrl}/fix`, { text: `${canaryUrl}/fix2` }],
          },
        },
      };
      const res = await request(h.app)
        .post(`/api/v1/projects/${projectId}/imports?filename=x.json`)
        .send(document)
        .expect(201);
      expect(JSON.stringify(res.body)).not.toContain("openapi: 3.0.0");
      expect(canaryHits).toEqual([]);
    });
  });

  describe("content that targets people and models", () => {
    it("reports prompt injection as TL-INJECT-001 and leaves every other rule where it was", async () => {
      const injected = await analyse("inject/orders.yaml", corpus.PROMPT_INJECTION);
      const clean = await analyse("inject/orders-clean.yaml", corpus.PROMPT_INJECTION_CLEAN);
      expect(injected.row.status).toBe("succeeded");
      expect(injected.threats.filter((t) => t.ruleId === "TL-INJECT-001").length).toBeGreaterThan(0);
      expect(clean.threats.some((t) => t.ruleId === "TL-INJECT-001")).toBe(false);
      const others = (ts: ThreatItem[]) =>
        ts
          .filter((t) => t.ruleId !== "TL-INJECT-001")
          .map((t) => `${t.ruleId} ${t.resources[0]?.id}`)
          .sort();
      expect(others(injected.threats)).toEqual(others(clean.threats));
      expect(others(injected.threats).length).toBeGreaterThan(0);
    });

    it("reports prompt injection in a Kubernetes annotation", async () => {
      const { threats } = await analyse("inject/pod.yaml", corpus.PROMPT_INJECTION_K8S);
      expect(threats.map((t) => t.ruleId)).toEqual(expect.arrayContaining(["TL-INJECT-001", "TL-K8S-POD-001"]));
    });

    it("stores HTML and script in Kubernetes names as data and returns them verbatim as JSON", async () => {
      const { id, threats } = await analyse("html/svc.yaml", corpus.HTML_K8S);
      const ids = threats.flatMap((t) => t.resources.map((r) => r.id));
      expect(ids).toContain("Service/<img src=x onerror=alert(1)>/<script>alert(document.cookie)</script>");
      const res = await request(h.app).get(`/api/v1/analyses/${id}/threats`).expect(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    });

    it("stores HTML in OpenAPI paths and titles as data", async () => {
      const { row, threats } = await analyse("html/api.json", corpus.HTML_OPENAPI);
      expect(row.status).toBe("succeeded");
      expect(threats.flatMap((t) => t.resources.map((r) => r.id))).toContain(
        "DELETE /<img src=x onerror=alert(1)>/{id}",
      );
    });

    it("keeps HTML in a file path as data", async () => {
      const path = "<script>alert(1)</script>/x.yaml";
      const result = (await submitJson([{ path, content: K8S_DEPLOYMENT }]).expect(202)).body as SubmissionResult;
      const batch = (await request(h.app).get(`/api/v1/batches/${result.batchId}`).expect(200)).body as BatchDto;
      expect(batch.analyses[0]!.path).toBe(path);
    });

    it("defuses spreadsheet formulas in CSV exports", async () => {
      const { id, threats } = await analyse("=1+1.json", corpus.FORMULA_CFN);
      expect(threats.map((t) => t.resources[0]?.id)).toEqual(expect.arrayContaining(["-2+3", "@SUM(1+1)"]));
      const res = await request(h.app).get(`/api/v1/analyses/${id}/export?format=csv`).expect(200);
      const csv = res.text;
      expect(csv).toContain("@SUM(1+1)");
      const cells = csv
        .split(/\r?\n/)
        .flatMap((line) => line.split(","))
        .map((c) => c.replace(/^"/, ""));
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    });
  });

  it("keeps serving and processing ordinary work during and after the storm", async () => {
    const storm = Promise.all([
      submitJson([{ path: "storm/bomb.yaml", content: corpus.ALIAS_BOMB }]),
      submitJson([{ path: "storm/deep.json", content: corpus.DEEP_JSON_TEMPLATE }]),
      request(h.app)
        .post(submissions())
        .attach("files", corpus.zipBomb(12, 5 * MB - 1), "storm.zip"),
      submitJson([{ path: "storm/long.yaml", content: corpus.LONG_LINE_OPENAPI }]),
    ]);
    const normal = await analyse("normal/app.yaml", CFN_BUCKET);
    await storm;
    expect(normal.row.status).toBe("succeeded");
    expect(normal.threats.length).toBeGreaterThan(0);
    const after = await analyse("normal/after.yaml", `${CFN_BUCKET}# after\n`);
    expect(after.row.status).toBe("succeeded");
    await request(h.app).get("/healthz").expect(200);
    await request(h.app).get("/readyz").expect(200);
  });
});
