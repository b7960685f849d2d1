import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPrototypeJson, type FullReport } from "@threatline/reports";
import { createHarness, type Harness } from "../../api/test/harness.ts";
import { runCli } from "./helpers.ts";

/** The target tools' own published files, as vendored for the exporters' tests. */
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../packages/reports/test/fixtures/${name}`, import.meta.url));

/** Every importable format, from a file the tool itself wrote (the prototype's through its byte-exact renderer). */
const CASES: Array<{ file: string; format: string; threats: number }> = [
  { file: fixture("threat-composer/ThreatComposer.tc.json"), format: "threat-composer", threats: 0 },
  { file: fixture("threat-dragon/v2-threat-model.json"), format: "threat-dragon", threats: 14 },
  { file: fixture("otm/threat-dragon-mobile-cloud.otm.json"), format: "otm", threats: 43 },
  { file: fixture("stride-gpt/web-genai.json"), format: "stride-gpt", threats: 3 },
  { file: fixture("stride-gpt/agent-report.md"), format: "stride-gpt", threats: 4 },
];

describe("threatline import against the real API and PostgreSQL", { timeout: 120_000 }, () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let dir: string;
  let projectId: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    h = await createHarness();
    server = await new Promise<Server>((resolve) => {
      const s = h.api.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), "threatline-import-"));
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "imports" }).expect(201)).body as { id: string }
    ).id;
    env = { THREATLINE_TOKEN: h.adminToken, THREATLINE_SERVER: url };
    // Threat Composer's example: count its threats rather than trusting a number typed here.
    const tc = JSON.parse(readFileSync(CASES[0]!.file, "utf8")) as { threats: unknown[] };
    CASES[0]!.threats = tc.threats.length;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [path.basename(c.file), c] as const))("imports %s with the binary", async (_name, c) => {
    const run = await runCli(["import", c.file, "--project", projectId], { env });
    expect(run.stderr.replace(/^warning: .*\n/gm, "")).toBe("");
    expect(run.code, run.stderr).toBe(0);
    const ext = c.file.endsWith(".md") ? "md" : "json";
    expect(run.stdout).toMatch(
      new RegExp(
        `^Imported ${c.threats} threat\\(s\\) from .+ \\(${c.format}\\) as imports/[\\w.-]+\\.${ext}, analysis [0-9a-f-]{36}\\n$`,
      ),
    );
  });

  it("imports a prototype JSON download, with its priorities in any spelling, and the project export shows it", async () => {
    const file = path.join(dir, "legacy.json");
    const document = JSON.parse(
      renderPrototypeJson({
        threats: [
          {
            fingerprint: "x",
            ruleId: null,
            category: "Spoofing",
            title: "Legacy spoofing",
            description: "From the prototype.",
            severity: "high",
            likelihood: 4,
            impact: 4,
            score: 16,
            resources: [],
            evidence: [],
            remediations: [],
            references: { cwe: [], capec: [], attack: [] },
            source: "import",
          },
        ],
      }),
    ) as Record<string, Record<string, { priority: string }>>;
    document.Spoofing!["Legacy spoofing"]!.priority = "critical";
    writeFileSync(file, JSON.stringify(document));
    const run = await runCli(["import", file, "--project", projectId], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Imported 1 threat\(s\) from .+ \(prototype-json\) as imports\/legacy\.json/);
    const report = (await request(h.app).get(`/api/v1/projects/${projectId}/export?format=json`).expect(200))
      .body as FullReport;
    expect(report.threats.find((t) => t.title === "Legacy spoofing")).toMatchObject({ severity: "critical" });
    const paths = report.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(["imports/legacy.json", "imports/agent-report.md", "imports/v2-threat-model.json"]),
    );
  });

  it("refuses a file it cannot read, is not a threat model, or names no project: exit 2 with the reason", async () => {
    const notModel = path.join(dir, "notes.md");
    writeFileSync(notModel, "# Notes\n\nNo table here.\n");
    const bad = await runCli(["import", notModel, "--project", projectId], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/neither JSON nor STRIDE GPT Markdown/);
    const unknown = path.join(dir, "other.json");
    writeFileSync(unknown, JSON.stringify({ hello: "world" }));
    const refused = await runCli(["import", unknown, "--project", projectId], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Unrecognised import/);
    const missing = await runCli(["import", path.join(dir, "absent.json"), "--project", projectId], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read .*ENOENT/);
  });

  it("reports the server's refusal (no such project) with its code, not a crash", async () => {
    const run = await runCli(["import", CASES[1]!.file, "--project", "0194c3a0-0000-7000-8000-000000000000"], { env });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/project\/not-found/);
  });
});

describe("the import route refuses bad documents with 4xx and a stable code", { timeout: 120_000 }, () => {
  let h: Harness;
  let projectId: string;
  beforeAll(async () => {
    h = await createHarness();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "bad imports" }).expect(201)).body as { id: string }
    ).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    [
      "a Threat Dragon model with a broken cell",
      { version: "2.3.0", summary: {}, detail: { diagrams: [{ cells: [{ id: 3 }] }] } },
      "import/invalid",
    ],
    ["an OTM document without a project id", { otmVersion: "0.2.0", project: { name: "x" } }, "import/invalid"],
    [
      "a Threat Dragon model without threats",
      JSON.parse(readFileSync(fixture("threat-dragon/v2-new-model.json"), "utf8")) as unknown,
      "import/invalid",
    ],
    ["STRIDE GPT JSON with a non-string threat type", { threat_model: [{ "Threat Type": 3 }] }, "import/invalid"],
  ])("%s", async (_name, body, code) => {
    const res = await request(h.app)
      .post(`/api/v1/projects/${projectId}/imports?filename=x.json`)
      .send(body as object);
    expect(res.status).toBe(400);
    expect((res.body as { error: { code: string } }).error.code).toBe(code);
  });

  it("takes Markdown as text/markdown and refuses text that is no STRIDE GPT table", async () => {
    const ok = await request(h.app)
      .post(`/api/v1/projects/${projectId}/imports?filename=sg.md`)
      .set("content-type", "text/markdown")
      .send("| Threat Type | Scenario | Potential Impact |\n|---|---|---|\n| Spoofing | Someone pretends. | Bad. |\n");
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ format: "stride-gpt", path: "imports/sg.md", threatCount: 1 });
    const bad = await request(h.app)
      .post(`/api/v1/projects/${projectId}/imports`)
      .set("content-type", "text/markdown")
      .send("just words");
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { code: string } }).error.code).toBe("import/invalid");
  });
});
