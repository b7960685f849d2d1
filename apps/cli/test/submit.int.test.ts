import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FullReportSchema } from "@threatline/reports";
import type { ProjectDto } from "@threatline/domain";
import { FEATURE_ROUTES } from "../../api/src/app.ts";
import { exportRoutes } from "../../api/src/routes/exports.routes.ts";
import { createHarness, type Harness } from "../../api/test/harness.ts";
import { sarifErrors } from "../../../packages/reports/test/sarif-validator.ts";
import { makeWorkspace, runCli } from "./helpers.ts";

if (!FEATURE_ROUTES.includes(exportRoutes)) FEATURE_ROUTES.push(exportRoutes);

describe(
  "threatline submit and export against the real API, worker, PostgreSQL and Redis",
  { timeout: 120_000 },
  () => {
    let h: Harness;
    let server: Server;
    let url: string;
    let cwd: string;

    beforeAll(async () => {
      h = await createHarness();
      h.startWorker();
      server = await new Promise<Server>((resolve) => {
        const s = h.api.listen(0, "127.0.0.1", () => resolve(s));
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
  },
);
