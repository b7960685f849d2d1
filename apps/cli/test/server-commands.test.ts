import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TriageDto, BatchDto, Threat } from "@threatline/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runCli } from "./helpers.ts";

const PROJECT = {
  id: "0194c3a0-0000-7000-8000-00000000000a",
  name: "payments",
  teamId: "t",
  description: "",
  createdAt: "",
  riskScore: 0,
  threatCount: 0,
  lastAnalyzedAt: null,
};
const BATCH_ID = "0194c3a0-0000-7000-8000-0000000000b0";

function threat(severity: Threat["severity"]): Threat {
  return {
    fingerprint: `fp-${severity}`,
    ruleId: "r",
    category: "Tampering",
    title: `a ${severity} threat`,
    description: "",
    severity,
    likelihood: 3,
    impact: 3,
    score: 9,
    resources: [],
    evidence: [],
    remediations: [],
    references: { cwe: [], capec: [], attack: [] },
    source: "rule",
  };
}

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A scripted stand-in for the Threatline API: just enough of its contract (paths, DTOs, the error envelope)
 * to drive the CLI's client logic and exit codes without PostgreSQL and Redis. The real API is exercised in
 * submit.int.test.ts.
 */
const scenario = {
  projectExists: true,
  analysisStatuses: ["succeeded", "succeeded"] as BatchDto["analyses"][number]["status"][],
  pollsBeforeDone: 1,
  threats: [threat("medium")],
  /** The project's triage; null: a server older than the triage endpoint (404). */
  triage: [] as TriageDto[] | null,
  failNextWith: null as null | { status: number; body: string },
};
const recorded: Recorded[] = [];
let polls = 0;

async function readBody(req: IncomingMessage): Promise<unknown> {
  let raw = "";
  for await (const chunk of req) raw += String(chunk);
  return raw ? (JSON.parse(raw) as unknown) : undefined;
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  void (async () => {
    const body = await readBody(req);
    recorded.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (scenario.failNextWith) {
      const { status, body: text } = scenario.failNextWith;
      scenario.failNextWith = null;
      res.writeHead(status, { "content-type": text.startsWith("{") ? "application/json" : "text/html" });
      res.end(text);
      return;
    }
    if (req.headers.authorization !== "Bearer s3cret") {
      json(401, { error: { code: "auth/unauthenticated", message: "Sign in or send an API token." } });
      return;
    }
    const url = new URL(req.url!, "http://x");
    const analyses = scenario.analysisStatuses.map((status, i) => ({
      id: `0194c3a0-0000-7000-8000-00000000010${i}`,
      path: `file${i}.yaml`,
      status,
      format: "kubernetes",
      threatCount: scenario.threats.length,
      errorCode: status === "failed" ? "template/parse-failed" : null,
      errorMessage: status === "failed" ? "bad YAML at line 3" : null,
    }));
    if (req.method === "GET" && url.pathname === "/api/v1/projects")
      return json(200, { items: scenario.projectExists ? [PROJECT] : [] });
    if (req.method === "POST" && url.pathname === "/api/v1/projects") return json(201, PROJECT);
    if (req.method === "POST" && url.pathname === `/api/v1/projects/${PROJECT.id}/submissions`) {
      const files = (body as { files: unknown[] }).files;
      return json(202, {
        batchId: BATCH_ID,
        analyses: files.map((_, i) => ({
          id: analyses[i]?.id,
          path: `file${i}`,
          templateVersionId: "v",
          deduplicated: i === 0,
        })),
      });
    }
    if (req.method === "GET" && url.pathname === `/api/v1/batches/${BATCH_ID}`) {
      polls += 1;
      const done = polls > scenario.pollsBeforeDone;
      const shown = analyses.map((a) => (done ? a : { ...a, status: "running" as const }));
      const counts: Record<string, number> = {};
      for (const a of shown) counts[a.status] = (counts[a.status] ?? 0) + 1;
      return json(200, {
        id: BATCH_ID,
        projectId: PROJECT.id,
        source: "cli",
        fileCount: shown.length,
        createdAt: "",
        status: done ? "succeeded" : "running",
        counts,
        analyses: shown,
      });
    }
    if (req.method === "GET" && url.pathname === `/api/v1/projects/${PROJECT.id}/triage` && scenario.triage)
      return json(200, { items: scenario.triage });
    if (req.method === "GET" && /^\/api\/v1\/analyses\/[^/]+\/threats$/.test(url.pathname))
      return json(200, { total: scenario.threats.length, items: scenario.threats });
    if (req.method === "GET" && url.pathname === `/api/v1/projects/${PROJECT.id}/export`) {
      if (url.searchParams.get("format") !== "csv")
        return json(400, { error: { code: "export/unsupported-format", message: 'Unknown export format "x".' } });
      res.writeHead(200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="threatline-payments-project.csv"',
      });
      res.end("fingerprint,category\r\nfp,Tampering\r\n");
      return;
    }
    json(404, { error: { code: "request/not-found", message: "No such endpoint." } });
  })();
}

describe("threatline submit and export against a scripted API", { timeout: 60_000 }, () => {
  let server: Server;
  let url: string;
  let cwd: string;
  let out: string;

  beforeAll(async () => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cwd = makeWorkspace();
    out = mkdtempSync(path.join(tmpdir(), "threatline-export-"));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(cwd, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
  beforeEach(() => {
    recorded.length = 0;
    polls = 0;
    Object.assign(scenario, {
      projectExists: true,
      analysisStatuses: ["succeeded", "succeeded"],
      pollsBeforeDone: 1,
      threats: [threat("medium")],
      triage: [],
      failNextWith: null,
    });
  });

  const env = { THREATLINE_POLL_MS: "10" };

  it("creates the project when missing and posts the files as JSON with the bearer token", async () => {
    scenario.projectExists = false;
    const run = await runCli(
      ["submit", "k8s", "api", "--server", url, "--token", "s3cret", "--project", "payments", "--force"],
      { cwd, env },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(recorded.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /api/v1/projects?name=payments",
      "POST /api/v1/projects",
      `POST /api/v1/projects/${PROJECT.id}/submissions`,
    ]);
    expect(recorded.every((r) => r.authorization === "Bearer s3cret")).toBe(true);
    expect(recorded[1]!.body).toEqual({ name: "payments" });
    const submission = recorded[2]!.body as {
      files: Array<{ path: string; content: string }>;
      source: string;
      force: boolean;
    };
    expect(submission.source).toBe("cli");
    expect(submission.force).toBe(true);
    expect(submission.files.map((f) => f.path)).toEqual(["k8s/deploy.yaml", "api/openapi.yaml"]);
    expect(submission.files[0]!.content).toBe(readFileSync(path.join(cwd, "k8s/deploy.yaml"), "utf8"));
    expect(run.stdout).toContain(`as batch ${BATCH_ID} (1 unchanged since an earlier upload)`);
  });

  it("waits for the batch, then exits 1 when --fail-on is met and 0 when it is not", async () => {
    scenario.threats = [threat("low"), threat("high")];
    const failing = await runCli(["submit", ".", "--server", url, "--project", "payments", "--fail-on", "high"], {
      cwd,
      env: { ...env, THREATLINE_TOKEN: "s3cret" },
    });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/Batch succeeded: 2 succeeded; 4 threat\(s\) \(2 high, 2 low\)/);
    expect(failing.stderr).toContain("2 threat(s) at or above high");
    expect(recorded.filter((r) => r.url === `/api/v1/batches/${BATCH_ID}`).length).toBe(2);
    const passing = await runCli(
      ["submit", ".", "--server", url, "--token", "s3cret", "--project", "payments", "--fail-on", "critical"],
      { cwd, env },
    );
    expect(passing.code).toBe(0);
  });

  it("leaves out of the gate what the triage closed, and counts everything on a server without triage", async () => {
    scenario.threats = [threat("low"), threat("high")];
    scenario.triage = [
      {
        fingerprint: "fp-high",
        status: "false_positive",
        owner: null,
        expiresAt: null,
        note: "",
        updatedAt: "2026-12-01T00:00:00.000Z",
      },
    ];
    const args = ["submit", ".", "--server", url, "--token", "s3cret", "--project", "payments", "--fail-on", "high"];
    const triaged = await runCli(args, { cwd, env });
    expect(triaged.code).toBe(0);
    expect(triaged.stdout).toContain("Skipped 2 threat(s) closed by the project's triage:");
    expect(triaged.stdout).toContain("false positive: high a high threat");
    scenario.triage = null;
    const older = await runCli(args, { cwd, env });
    expect(older.code).toBe(1);
    expect(older.stderr).toContain("This server has no triage endpoint: every threat counts for --fail-on.");
  });

  it("exits 3 when an analysis failed, naming the file and the error", async () => {
    scenario.analysisStatuses = ["succeeded", "failed"];
    const run = await runCli(["submit", ".", "--server", url, "--token", "s3cret", "--project", "payments", "--wait"], {
      cwd,
      env,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("failed file1.yaml: template/parse-failed bad YAML at line 3");
  });

  it("explains API errors by code, and servers that are not Threatline", async () => {
    const unauth = await runCli(["submit", ".", "--server", url, "--token", "wrong", "--project", "payments"], {
      cwd,
      env,
    });
    expect(unauth.code).toBe(2);
    expect(unauth.stderr).toContain("Sign in or send an API token. [auth/unauthenticated]");
    expect(unauth.stderr).toContain("Pass a token with --token or THREATLINE_TOKEN.");
    scenario.failNextWith = {
      status: 503,
      body: JSON.stringify({ error: { code: "queue/unavailable", message: "Redis is unreachable." } }),
    };
    const down = await runCli(["submit", ".", "--server", url, "--token", "s3cret", "--project", "payments"], {
      cwd,
      env,
    });
    expect(down.code).toBe(2);
    expect(down.stderr).toContain("[queue/unavailable]");
    expect(down.stderr).toContain("nothing was submitted");
    scenario.failNextWith = { status: 502, body: "<html>Bad gateway</html>" };
    const proxy = await runCli(
      ["export", "--project", PROJECT.id, "--format", "csv", "--server", url, "--token", "s3cret"],
      { cwd, env },
    );
    expect(proxy.code).toBe(2);
    expect(proxy.stderr).toContain("answered 502 Bad Gateway without a Threatline error [http/502]");
  });

  it("exports a project to --output", async () => {
    const file = path.join(out, "project.csv");
    const run = await runCli(
      ["export", "--project", PROJECT.id, "--format", "csv", "--output", file, "--server", url, "--token", "s3cret"],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("fingerprint,category\r\nfp,Tampering\r\n");
    expect(recorded.map((r) => r.url)).toEqual([`/api/v1/projects/${PROJECT.id}/export?format=csv`]);
    const wrong = await runCli(
      ["export", "--project", PROJECT.id, "--format", "sarif", "--server", url, "--token", "s3cret"],
      { cwd },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("[export/unsupported-format]");
  });

  it("refuses bad usage with exit 2", async () => {
    const noServer = await runCli(["submit", ".", "--project", "p"], { cwd, env: { THREATLINE_SERVER: "" } });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain("--server URL");
    const noProject = await runCli(["submit", ".", "--server", url], { cwd });
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("--project NAME");
    const two = await runCli(["export", "--project", "a", "--batch", "b", "--server", url], { cwd });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("exactly one of");
    expect(recorded).toEqual([]);
  });
});
