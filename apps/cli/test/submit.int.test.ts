import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";
import express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FullReportSchema } from "@threatline/reports";
import type { BatchDto, ProjectDto, SubmissionResult } from "@threatline/domain";
import { createHarness, type Harness } from "../../api/test/harness.ts";
import { waitFor } from "../../../test/support.ts";
import { sarifErrors } from "../../../packages/reports/test/sarif-validator.ts";
import type { RunningWorker } from "@threatline/worker";
import { ApiClient } from "../src/lib/api-client.ts";
import { watchBatch, type BatchProgress } from "../src/lib/batch-watch.ts";
import { makeWorkspace, runCli } from "./helpers.ts";

describe(
  "threatline submit and export against the real API, worker, PostgreSQL and Redis",
  { timeout: 120_000 },
  () => {
    let h: Harness;
    let server: Server;
    let url: string;
    let cwd: string;

    /** What the CLI asked for, and how the proxy in front of the API treats the batch event stream. */
    const seen: string[] = [];
    let streamMode: "pass" | "bad-gateway" | "cut" | "silent" = "pass";
    let worker: RunningWorker;

    beforeAll(async () => {
      h = await createHarness();
      worker = h.startWorker();
      // The real API behind a stand-in for what sits between a CI runner and a server: it records the requests
      // and, when told, breaks the event stream the way proxies do.
      const front = express();
      front.use((req, res, next) => {
        seen.push(`${req.method} ${req.path}`);
        if (!req.path.endsWith("/events") || streamMode === "pass") return next();
        if (streamMode === "bad-gateway") {
          res.status(502).type("html").send("<html><body>502 Bad Gateway</body></html>");
        } else if (streamMode === "cut") {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(": hello\n\n");
          setTimeout(() => res.socket?.destroy(), 50);
        } else {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.flushHeaders();
        }
      });
      front.use(h.api);
      server = await new Promise<Server>((resolve) => {
        const s = front.listen(0, "127.0.0.1", () => resolve(s));
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      cwd = makeWorkspace();
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await h?.close();
      rmSync(cwd, { recursive: true, force: true });
    });

    it("submits a folder, waits for every analysis, fails on threats, then exports the project", async () => {
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      const run = await runCli(["submit", "k8s", "api", "--server", url, "--project", "cli-e2e", "--fail-on", "info"], {
        cwd,
        env,
      });
      expect(run.stderr).toMatch(/threat\(s\) at or above info/);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/Submitted 2 file\(s\) to project cli-e2e as batch [0-9a-f-]{36}/);
      expect(run.stdout).toMatch(/Batch succeeded: 2 succeeded; \d+ threat\(s\)/);

      const project = (
        (await request(h.app).get("/api/v1/projects?name=cli-e2e").expect(200)).body as { items: ProjectDto[] }
      ).items[0]!;
      const again = await runCli(["submit", "k8s", "--server", url, "--project", "cli-e2e", "--wait"], { cwd, env });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("(1 unchanged since an earlier upload)");
      const projects = ((await request(h.app).get("/api/v1/projects").expect(200)).body as { items: ProjectDto[] })
        .items;
      expect(projects.filter((p) => p.name === "cli-e2e")).toHaveLength(1);

      const file = path.join(cwd, "project.sarif");
      const exported = await runCli(
        ["export", "--project", project.id, "--format", "sarif", "--output", file, "--server", url],
        { cwd, env },
      );
      expect(exported.code).toBe(0);
      expect(sarifErrors(JSON.parse(readFileSync(file, "utf8")))).toEqual([]);
      const json = await runCli(["export", "--project", project.id, "--server", url], { cwd, env });
      const report = FullReportSchema.parse(JSON.parse(json.stdout));
      expect(report.files.map((f) => f.path).sort()).toEqual(["api/openapi.yaml", "k8s/deploy.yaml"]);
      expect(report.threats.length).toBeGreaterThan(0);
    });

    const batchRequests = (batchId: string) => ({
      stream: seen.filter((r) => r === `GET /api/v1/batches/${batchId}/events`).length,
      polls: seen.filter((r) => r === `GET /api/v1/batches/${batchId}`).length,
    });
    const batchIdOf = (stdout: string) => /as batch ([0-9a-f-]{36})/.exec(stdout)?.[1] ?? "";

    it("follows the batch live over the event stream, without polling", async () => {
      streamMode = "pass";
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      const run = await runCli(["submit", "k8s", "api", "--server", url, "--project", "cli-live", "--wait"], {
        cwd,
        env,
      });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Batch succeeded: 2 succeeded; \d+ threat\(s\)/);
      expect(batchRequests(batchIdOf(run.stdout))).toEqual({ stream: 1, polls: 0 });
    });

    it("reports progress from the stream as each analysis finishes", async () => {
      streamMode = "pass";
      await worker.worker.pause();
      const project = (await request(h.app).post("/api/v1/projects").send({ name: "cli-progress" }).expect(201))
        .body as ProjectDto;
      const files = ["k8s/deploy.yaml", "api/openapi.yaml", "infra/app.yaml"].map((p) => ({
        path: p,
        content: readFileSync(path.join(cwd, p), "utf8"),
      }));
      const submitted = (
        await request(h.app).post(`/api/v1/projects/${project.id}/submissions`).send({ files }).expect(202)
      ).body as SubmissionResult;
      const progress: BatchProgress[] = [];
      const fallbacks: string[] = [];
      const client = new ApiClient({ server: url, token: h.adminToken });
      const watching = watchBatch(client, submitted.batchId, 3, {
        timeoutMs: 60_000,
        pollMs: 100,
        idleMs: 30_000,
        onProgress: (p) => progress.push(p),
        onFallback: (reason) => fallbacks.push(reason),
      });
      // The snapshot arrives while nothing can finish; then the worker resumes and the stream reports each analysis.
      await waitFor(() => progress.length > 0, 10_000, "the snapshot");
      expect(progress[0]).toMatchObject({ done: 0, total: 3 });
      await worker.worker.resume();
      const batch = await watching;
      expect(fallbacks).toEqual([]);
      expect(batch.analyses.map((a) => a.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(progress.at(-1)).toEqual({ done: 3, total: 3, counts: { succeeded: 3 } });
      const dones = progress.map((p) => p.done);
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
      // Live updates, not just a snapshot and a final answer: each finish was seen on its own.
      for (const n of [1, 2, 3]) expect(dones).toContain(n);
      expect(batchRequests(submitted.batchId)).toEqual({ stream: 1, polls: 0 });
    });

    it("falls back to polling when a proxy refuses, cuts or stalls the stream", async () => {
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_STREAM_IDLE_MS: "1500", THREATLINE_TOKEN: h.adminToken };
      for (const [mode, reason] of [
        ["bad-gateway", /502 Bad Gateway without a Threatline error/],
        ["cut", /Live progress unavailable \(/],
        ["silent", /no data for 2 s/],
      ] as const) {
        streamMode = mode;
        const run = await runCli(["submit", "k8s", "--server", url, "--project", `cli-${mode}`, "--wait"], {
          cwd,
          env,
        });
        expect(run.stderr, mode).toMatch(/Live progress unavailable \(.+\); checking the batch every 0\.1 s instead\./);
        expect(run.stderr, mode).toMatch(reason);
        expect(run.code, mode).toBe(0);
        expect(run.stdout, mode).toMatch(/Batch succeeded: 1 succeeded/);
        const requests = batchRequests(batchIdOf(run.stdout));
        expect(requests.stream, mode).toBe(1);
        expect(requests.polls, mode).toBeGreaterThan(0);
      }
      streamMode = "pass";
    });

    it("explains the server's refusals: no token, a wrong token, a token without the submit scope", async () => {
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: "" };
      const none = await runCli(["submit", "k8s", "--server", url, "--project", "cli-e2e"], { cwd, env });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("[auth/unauthenticated]");
      expect(none.stderr).toContain("Pass a token with --token or THREATLINE_TOKEN.");
      const wrong = await runCli(
        ["submit", "k8s", "--server", url, "--project", "cli-e2e", "--token", "tl_not_a_real_token"],
        { cwd, env },
      );
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/\[auth\/(invalid-credentials|unauthenticated)\]/);
      const readOnly = await h.tokenFor(h.admin.id, { scopes: ["read"] });
      const narrow = await runCli(["submit", "k8s", "--server", url, "--project", "cli-e2e", "--token", readOnly], {
        cwd,
        env,
      });
      expect(narrow.code).toBe(2);
      expect(narrow.stderr).toContain("[auth/forbidden]");
    });

    it("honours the project's triage at the gate: accepted and false-positive threats do not fail it, and are listed", async () => {
      streamMode = "pass";
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      const args = ["submit", "infra", "--server", url, "--project", "cli-triage", "--fail-on", "critical"];
      const first = await runCli(args, { cwd, env });
      expect(first.code).toBe(1);
      expect(first.stdout).not.toContain("Skipped");
      const project = (
        (await request(h.app).get("/api/v1/projects?name=cli-triage").expect(200)).body as { items: ProjectDto[] }
      ).items[0]!;
      const critical = (
        (await request(h.app).get(`/api/v1/projects/${project.id}/threats?severity=critical`).expect(200)).body as {
          items: Array<{ fingerprint: string; title: string }>;
        }
      ).items;
      expect(critical.length).toBeGreaterThan(0);
      const [accepted, ...rest] = critical;
      await request(h.app)
        .put(`/api/v1/projects/${project.id}/triage/${accepted!.fingerprint}`)
        .send({ status: "accepted", owner: "ana@example.com", expiresAt: "2099-01-31", note: "public website" })
        .expect(200);
      for (const t of rest)
        await request(h.app)
          .put(`/api/v1/projects/${project.id}/triage/${t.fingerprint}`)
          .send({ status: "false_positive" })
          .expect(200);

      const second = await runCli(args, { cwd, env });
      expect(second.stderr).toBe("");
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`Skipped ${critical.length} threat(s) closed by the project's triage:`);
      expect(second.stdout).toContain(`accepted (by ana@example.com until 2099-01-31): critical ${accepted!.title}`);
      // The gate still sees the rest: high threats of the same file fail --fail-on high.
      const high = await runCli([...args.slice(0, -1), "high"], { cwd, env });
      expect(high.code).toBe(1);
      const strict = await runCli([...args, "--no-triage"], { cwd, env });
      expect(strict.code).toBe(1);
      expect(strict.stdout).not.toContain("Skipped");
    });

    it("runs a team's rules on the server: rules push stores them, the worker raises their threats", async () => {
      streamMode = "pass";
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      cpSync(fileURLToPath(new URL("../../../examples/team-rules", import.meta.url)), path.join(cwd, "team-rules"), {
        recursive: true,
      });
      const first = await runCli(
        ["submit", "team-rules/fixtures", "--server", url, "--project", "cli-team-rules", "--wait"],
        {
          cwd,
          env,
        },
      );
      expect(first.code).toBe(0);
      const project = (
        (await request(h.app).get("/api/v1/projects?name=cli-team-rules").expect(200)).body as { items: ProjectDto[] }
      ).items[0]!;
      const ruleIds = async () =>
        (
          (await request(h.app).get(`/api/v1/projects/${project.id}/threats?limit=500`).expect(200)).body as {
            items: Array<{ ruleId: string | null; path: string }>;
          }
        ).items
          .filter((t) => t.ruleId?.startsWith("ACME-"))
          .map((t) => `${t.ruleId} ${t.path}`)
          .sort();
      expect(await ruleIds()).toEqual([]);

      const pushed = await runCli(["rules", "push", "team-rules", "--team", project.teamId, "--server", url], {
        cwd,
        env,
      });
      expect(pushed.stderr).toBe("");
      expect(pushed.code).toBe(0);
      expect(pushed.stdout).toContain("Stored 2 team rule(s) on the server for team");
      const stored = (await request(h.app).get(`/api/v1/teams/${project.teamId}/rules`).expect(200)).body as {
        rules: Array<{ id: string }>;
      };
      expect(stored.rules.map((r) => r.id)).toEqual(["ACME-EC2-001", "ACME-TAG-001"]);

      // The same files again: the new rules run on the re-analysis.
      const second = await runCli(
        ["submit", "team-rules/fixtures", "--server", url, "--project", "cli-team-rules", "--wait", "--force"],
        { cwd, env },
      );
      expect(second.code).toBe(0);
      expect(await ruleIds()).toEqual([
        "ACME-EC2-001 team-rules/fixtures/open-instance.yaml",
        "ACME-TAG-001 team-rules/fixtures/office-instance.yaml",
        "ACME-TAG-001 team-rules/fixtures/open-instance.yaml",
      ]);

      // The server refuses a builtin id and an invalid rule.
      const builtin = await request(h.app)
        .put(`/api/v1/teams/${project.teamId}/rules`)
        .send({ rules: [{ ...stored.rules[0], id: "TL-AWS-S3-001" }] });
      expect(builtin.status).toBe(400);
      const invalid = await request(h.app)
        .put(`/api/v1/teams/${project.teamId}/rules`)
        .send({ rules: [{ ...stored.rules[0], likelihood: 9 }] });
      expect(invalid.status).toBe(400);
    });

    it("stores the paths scan names: ../ and absolute paths relative to the repository root, never absolute", async () => {
      streamMode = "pass";
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      // A folder outside the workspace (no .git above it): named from the folder of the argument.
      const outside = mkdtempSync(path.join(tmpdir(), "threatline-outside-"));
      mkdirSync(path.join(outside, "extra"));
      cpSync(path.join(cwd, "k8s", "deploy.yaml"), path.join(outside, "extra", "svc.yaml"));
      try {
        const run = await runCli(
          [
            "submit",
            "../api/openapi.yaml",
            path.join(cwd, "infra", "app.yaml"),
            path.join(outside, "extra"),
            "--server",
            url,
            "--project",
            "cli-paths",
            "--wait",
          ],
          { cwd: path.join(cwd, "k8s"), env },
        );
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        const batch = (
          await request(h.app)
            .get(`/api/v1/batches/${batchIdOf(run.stdout)}`)
            .expect(200)
        ).body as BatchDto;
        expect(batch.analyses.map((a) => a.path).sort()).toEqual([
          "api/openapi.yaml",
          "extra/svc.yaml",
          "infra/app.yaml",
        ]);
        // The same file given from the repository root is the same template, not a second one.
        const again = await runCli(["submit", "api/openapi.yaml", "--server", url, "--project", "cli-paths"], {
          cwd,
          env,
        });
        expect(again.stdout).toContain("(1 unchanged since an earlier upload)");
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it("submits the good files of a mixed set, lists each refused one with its reason and exits 3", async () => {
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      const mixed = path.join(cwd, "mixed");
      mkdirSync(mixed);
      cpSync(path.join(cwd, "infra", "app.yaml"), path.join(mixed, "app.yaml"));
      writeFileSync(path.join(mixed, "empty.yaml"), "  \n");
      writeFileSync(path.join(mixed, "logo.json"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a]));
      const run = await runCli(["submit", "mixed", "--server", url, "--project", "cli-mixed", "--wait"], { cwd, env });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/Submitted 1 file\(s\) to project cli-mixed/);
      expect(run.stdout).toMatch(/Batch partial: 1 succeeded, 2 refused; \d+ threat\(s\)/);
      expect(run.stdout).toContain("refused mixed/empty.yaml: template/empty The file is empty.");
      expect(run.stdout).toMatch(/refused mixed\/logo\.json: template\/not-text /);

      // Without --wait the refusals are said at once, on stderr.
      const quick = await runCli(["submit", "mixed", "--server", url, "--project", "cli-mixed"], { cwd, env });
      expect(quick.code).toBe(3);
      expect(quick.stderr).toContain("refused mixed/empty.yaml: template/empty");
      // All bad: refused at once with the file's own code.
      const empty = await runCli(["submit", "mixed/empty.yaml", "--server", url, "--project", "cli-mixed"], {
        cwd,
        env,
      });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("template/empty");
      rmSync(mixed, { recursive: true, force: true });
    });

    it("ends its progress bar with a newline on a terminal", async () => {
      // `script` gives the CLI a terminal, as a person running it has; the bar is drawn on stderr.
      const bin = fileURLToPath(new URL("../bin/threatline.mjs", import.meta.url));
      const command = [process.execPath, bin, "submit", "k8s", "api", "--server", url, "--project", "cli-tty", "--wait"]
        .map((a) => `'${a}'`)
        .join(" ");
      const out = await new Promise<string>((resolve, reject) => {
        execFile(
          "script",
          ["-qefc", command, "/dev/null"],
          { cwd, env: { ...process.env, NO_COLOR: "1", THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken } },
          (error, stdout) => (error ? reject(new Error(`script: ${error.message}`)) : resolve(stdout)),
        );
      });
      expect(out).toContain("Analysing");
      // The last drawing of the bar (2/2) is followed by a line break before the summary starts.
      const lastBar = out.lastIndexOf("2/2");
      const summary = out.indexOf("Batch succeeded");
      expect(lastBar).toBeGreaterThan(0);
      expect(summary).toBeGreaterThan(lastBar);
      expect(out.slice(lastBar, summary)).toMatch(/\n/);
    });

    // Last: it leaves the worker paused.
    it("gives up at --timeout with exit 4 and says what to do, whether streaming or polling", async () => {
      await worker.worker.pause();
      const env = { THREATLINE_POLL_MS: "100", THREATLINE_TOKEN: h.adminToken };
      for (const mode of ["pass", "bad-gateway"] as const) {
        streamMode = mode;
        const started = Date.now();
        const run = await runCli(
          ["submit", "infra", "--server", url, "--project", `cli-timeout-${mode}`, "--wait", "--timeout", "2"],
          { cwd, env },
        );
        expect(run.code, mode).toBe(4);
        const batchId = batchIdOf(run.stdout);
        expect(run.stderr, mode).toContain(`Gave up waiting for batch ${batchId} after 2 s: 0 of 1 analyses finished.`);
        expect(run.stderr, mode).toContain(`threatline export --batch ${batchId}`);
        expect(run.stderr, mode).toContain("--timeout SECONDS");
        expect(run.stdout, mode).not.toContain("Batch ");
        // Gave up at the deadline, not at some later poll or heartbeat (the process start-up takes a few seconds).
        expect(Date.now() - started, mode).toBeLessThan(30_000);
      }
      streamMode = "pass";
      const usage = await runCli(
        ["submit", "infra", "--server", url, "--project", "x", "--wait", "--timeout", "soon"],
        { cwd, env },
      );
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("--timeout takes a number of seconds above 0, not 'soon'.");
    });
  },
);
