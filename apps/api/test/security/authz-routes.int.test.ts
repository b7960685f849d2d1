import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SubmissionResult } from "@threatline/domain";
import { createHarness, type Harness, type TestSession } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";
import { waitFor } from "../../../../test/support.ts";
import { fillPath, mountedRoutes, type MountedRoute } from "./routes.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const PUBLIC = new Set([
  "POST /api/v1/auth/login",
  "GET /api/v1/auth/session",
  "GET /healthz",
  "GET /readyz",
  "GET /metrics",
]);
const B_PROJECT_NAME = "bravo-secret-project";

/**
 * Every route of the app, for every kind of caller: unauthenticated, a member of another team, a viewer, a
 * read-only token, a browser session without the CSRF token. The routes are found by walking the router, so a
 * route someone adds later is covered without touching this file.
 */
describe("object-level authorization on every mounted route", () => {
  let h: Harness;
  let routes: MountedRoute[];
  const ids: Record<string, string> = {};
  let secrets: string[];
  let teamB: string;
  let tokens: { outsider: string; viewer: string; readOnly: string };
  let editorSession: TestSession;
  let counts: () => Promise<Record<string, number>>;
  let before: Record<string, number>;

  beforeAll(async () => {
    h = await createHarness();
    const teamA = await h.createTeam("alpha");
    teamB = await h.createTeam("bravo");
    const outsider = await h.createUser({ teams: { [teamA]: "admin" } });
    const viewer = await h.createUser({ teams: { [teamB]: "viewer" } });
    const editor = await h.createUser({ teams: { [teamB]: "editor" } });
    const teamBAdmin = await h.createUser({ teams: { [teamB]: "admin" } });
    const editorToken = await h.tokenFor(editor.id);
    tokens = {
      outsider: await h.tokenFor(outsider.id),
      viewer: await h.tokenFor(viewer.id),
      readOnly: await h.tokenFor(editor.id, { scopes: ["read"] }),
    };
    editorSession = await h.login(editor);

    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const project = await request(h.api)
      .post("/api/v1/projects")
      .set(as(editorToken))
      .send({ name: B_PROJECT_NAME, teamId: teamB })
      .expect(201);
    const projectId = (project.body as { id: string }).id;
    const submitted = (
      await request(h.api)
        .post(`/api/v1/projects/${projectId}/submissions`)
        .set(as(editorToken))
        .send({ files: [{ path: "b/app.yaml", content: CFN_BUCKET }] })
        .expect(202)
    ).body as SubmissionResult;
    h.startWorker();
    const analysisId = submitted.analyses[0]!.id;
    await waitFor(
      async () =>
        (await h.database.db.analysis.findUniqueOrThrow({ where: { id: analysisId } })).status === "succeeded",
      30_000,
      "B's analysis",
    );
    const threat = await h.database.db.threat.findFirstOrThrow({ where: { analysisId } });
    const editorTokenRow = await h.database.db.apiToken.findFirstOrThrow({ where: { userId: editor.id } });
    const mitigation = await h.database.db.mitigation.create({
      data: {
        projectId,
        title: "B's mitigation",
        threats: { create: [{ projectId, fingerprint: threat.fingerprint }] },
      },
    });
    const assumption = await h.database.db.assumption.create({
      data: { projectId, text: "B's assumption", fingerprints: [] },
    });
    const webhook = await h.database.db.webhook.create({
      data: { teamId: teamB, url: "https://hooks.example.com/b", secret: "whsec_b", events: ["threat.assigned"] },
    });
    const comment = await h.database.db.threatComment.create({
      data: { projectId, fingerprint: threat.fingerprint, authorId: editor.id, body: "B's comment" },
    });

    Object.assign(ids, {
      "projects:id": projectId,
      "analyses:id": analysisId,
      "batches:id": submitted.batchId,
      "teams:id": teamB,
      "tokens:id": editorTokenRow.id,
      "users:id": teamBAdmin.id,
      userId: teamBAdmin.id,
      fingerprint: threat.fingerprint,
      queueName: "analysis",
      templateVersion: submitted.analyses[0]!.templateVersionId,
      mitigationId: mitigation.id,
      assumptionId: assumption.id,
      commentId: comment.id,
      webhookId: webhook.id,
    });
    secrets = [
      projectId,
      analysisId,
      submitted.batchId,
      B_PROJECT_NAME,
      threat.fingerprint,
      editor.email,
      teamBAdmin.email,
      editorTokenRow.id,
      "whsec_b",
      "hooks.example.com/b",
    ];
    counts = async () => ({
      analyses: await h.database.db.analysis.count({ where: { projectId } }),
      batches: await h.database.db.batch.count({ where: { projectId } }),
      triage: await h.database.db.triage.count({ where: { projectId } }),
      projectsB: await h.database.db.project.count({ where: { teamId: teamB } }),
      membersB: await h.database.db.membership.count({ where: { teamId: teamB } }),
      adminsB: await h.database.db.membership.count({ where: { teamId: teamB, role: "admin" } }),
      revoked: await h.database.db.apiToken.count({ where: { revokedAt: { not: null } } }),
      outsiderInB: await h.database.db.membership.count({ where: { teamId: teamB, userId: outsider.id } }),
      threats: await h.database.db.threat.count({ where: { projectId } }),
      threatEdits: await h.database.db.threatEdit.count({ where: { projectId } }),
      mitigations: await h.database.db.mitigation.count({ where: { projectId, status: "identified" } }),
      assumptions: await h.database.db.assumption.count({ where: { projectId, text: "B's assumption" } }),
      comments: await h.database.db.threatComment.count({ where: { projectId } }),
      followUps: await h.database.db.threatFollowUp.count({ where: { projectId } }),
      webhooks: await h.database.db.webhook.count({ where: { teamId: teamB, url: "https://hooks.example.com/b" } }),
      deliveries: await h.database.db.webhookDelivery.count(),
    });
    before = await counts();
    routes = mountedRoutes(h.api);
  });
  afterAll(async () => {
    await h.close();
  });

  /** A body that passes each route's validation, so the request reaches the authorization check. */
  function bodyFor(route: MountedRoute): object {
    const key = `${route.method} ${route.path}`;
    const decision = { status: "false_positive", note: "not ours" };
    const bodies: Record<string, object> = {
      "POST /api/v1/projects": { name: "intruder", teamId: teamB },
      "POST /api/v1/projects/:id/submissions": { files: [{ path: "intruder.yaml", content: CFN_BUCKET }] },
      "POST /api/v1/analyses/:id/retry": { force: true },
      "PUT /api/v1/projects/:id/triage/:fingerprint": decision,
      "POST /api/v1/projects/:id/triage": { fingerprints: [ids.fingerprint], decision },
      "POST /api/v1/teams/:id/members": { email: "nobody@threatline.test", role: "admin" },
      "PATCH /api/v1/teams/:id/members/:userId": { role: "viewer" },
      "PUT /api/v1/teams/:id/budget": { llmBudgetUsd: 0 },
      "PUT /api/v1/teams/:id/rules": { rules: [] },
      "POST /api/v1/teams": { name: "intruders" },
      "POST /api/v1/users": { email: "new@threatline.test", password: "a long enough password" },
      "POST /api/v1/tokens": { name: "t", scopes: ["read"], teamId: teamB },
      "POST /api/v1/auth/password": { currentPassword: "wrong", newPassword: "another long password" },
      "POST /api/v1/auth/sessions/end-others": {},
      "POST /api/v1/projects/:id/threats": { category: "Spoofing", severity: "high", title: "intruder" },
      "PATCH /api/v1/projects/:id/threats/:fingerprint": { title: "intruder", severity: "info" },
      "POST /api/v1/projects/:id/mitigations": { title: "intruder", status: "done", fingerprints: [ids.fingerprint] },
      "PATCH /api/v1/projects/:id/mitigations/:mitigationId": { status: "done" },
      "POST /api/v1/projects/:id/assumptions": { text: "intruder" },
      "PATCH /api/v1/projects/:id/assumptions/:assumptionId": { text: "intruder" },
      "PATCH /api/v1/projects/:id/threats/:fingerprint/follow-up": { ticketUrl: "https://intruder.example.com/1" },
      "POST /api/v1/projects/:id/threats/:fingerprint/comments": { body: "intruder" },
      "POST /api/v1/teams/:id/webhooks": { url: "https://intruder.example.com/hook", events: ["threat.assigned"] },
      "PATCH /api/v1/teams/:id/webhooks/:webhookId": { url: "https://intruder.example.com/hook" },
    };
    return bodies[key] ?? {};
  }

  /** Query strings that routes require, for the same reason. */
  function queryFor(route: MountedRoute): string {
    if (route.path === "/api/v1/projects/:id/diff") return `?from=${ids.templateVersion}&to=${ids.templateVersion}`;
    return "";
  }

  function call(route: MountedRoute, headers: Record<string, string>) {
    const url = fillPath(route.path, ids, "00000000-0000-7000-8000-000000000000") + queryFor(route);
    const req = request(h.api)[route.method.toLowerCase() as "get"](url).set(headers);
    return UNSAFE.has(route.method) ? req.send(bodyFor(route)) : req;
  }

  it("finds every route, including the feature routes", () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      "POST /api/v1/projects/:id/submissions",
      "GET /api/v1/batches/:id/events",
      "PUT /api/v1/projects/:id/triage/:fingerprint",
      "GET /api/v1/analyses/:id/export",
      "POST /api/v1/projects/:id/imports",
      "GET /api/v1/audit",
      "POST /api/v1/tokens",
      "GET /api/v1/dashboard",
    ]) {
      expect(keys).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(35);
  });

  it("answers 401 auth/unauthenticated on every non-public route without credentials", async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key)) continue;
      const res = await call(route, {});
      if (res.status !== 401 || (res.body as { error?: { code?: string } }).error?.code !== "auth/unauthenticated")
        failures.push(`${key} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("refuses revoked-looking, unknown and malformed bearer tokens", async () => {
    for (const header of ["Bearer tl_" + "x".repeat(43), "Bearer nope", "Basic YWRtaW46YWRtaW4=", "Bearer "]) {
      const res = await request(h.api).get("/api/v1/projects").set("Authorization", header).expect(401);
      expect(res.body.error.code).toBe("auth/unauthenticated");
    }
  });

  it("hides another team's objects: no 2xx with their data, 404 on their ids, nothing changed", async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (key === "POST /api/v1/auth/logout") continue; // ends the caller's own credential
      const res = await call(route, { Authorization: `Bearer ${tokens.outsider}` });
      const text = res.text ?? "";
      const leaked = secrets.filter((s) => text.includes(s));
      if (leaked.length > 0) failures.push(`${key} → ${res.status} leaked ${leaked.join(", ")}`);
      const adminOnly = /^\/api\/v1\/(users|admin)(\/|$)/.test(route.path) || key === "POST /api/v1/teams";
      if (adminOnly) {
        if (res.status !== 403) failures.push(`${key} → ${res.status}, want 403`);
      } else if (route.path.includes(":") && !route.path.startsWith("/api/v1/auth")) {
        if (res.status !== 404) failures.push(`${key} → ${res.status}, want 404`);
      } else if (
        UNSAFE.has(route.method) &&
        res.status < 400 &&
        !["POST /api/v1/tokens", "POST /api/v1/auth/password"].includes(key)
      ) {
        failures.push(`${key} → ${res.status}, want a refusal`);
      }
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it("lets a viewer read but answers 403 auth/forbidden on every write to the team's objects", async () => {
    const viewer = { Authorization: `Bearer ${tokens.viewer}` };
    await request(h.api).get(`/api/v1/projects/${ids["projects:id"]}`).set(viewer).expect(200);
    await request(h.api).get(`/api/v1/analyses/${ids["analyses:id"]}/threats`).set(viewer).expect(200);
    const failures: string[] = [];
    for (const route of routes.filter((r) => UNSAFE.has(r.method))) {
      const key = `${route.method} ${route.path}`;
      if (
        route.path.startsWith("/api/v1/auth/") ||
        key === "POST /api/v1/tokens" ||
        route.path.startsWith("/api/v1/tokens/")
      )
        continue;
      const res = await call(route, viewer);
      if (res.status !== 403 || (res.body as { error?: { code?: string } }).error?.code !== "auth/forbidden")
        failures.push(`${key} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it("holds a read-only token to reads on every route", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => UNSAFE.has(r.method))) {
      const key = `${route.method} ${route.path}`;
      if (key === "POST /api/v1/auth/login" || key === "POST /api/v1/auth/logout") continue;
      const res = await call(route, { Authorization: `Bearer ${tokens.readOnly}` });
      if (res.status !== 403) failures.push(`${key} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    await request(h.api)
      .get(`/api/v1/projects/${ids["projects:id"]}/threats`)
      .set("Authorization", `Bearer ${tokens.readOnly}`)
      .expect(200);
    expect(await counts()).toEqual(before);
  });

  it("answers 403 auth/csrf on every unsafe route called with the session cookie but no CSRF token", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => UNSAFE.has(r.method))) {
      const key = `${route.method} ${route.path}`;
      if (key === "POST /api/v1/auth/login") continue;
      for (const csrf of [undefined, "wrong-token"]) {
        const headers: Record<string, string> = { Cookie: editorSession.cookie };
        if (csrf) headers["X-CSRF-Token"] = csrf;
        const res = await call(route, headers);
        if (res.status !== 403 || (res.body as { error?: { code?: string } }).error?.code !== "auth/csrf")
          failures.push(`${key} (${csrf ?? "none"}) → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
    // The same session with its CSRF token may write.
    await request(h.api)
      .put(`/api/v1/projects/${ids["projects:id"]}/triage/${ids.fingerprint}`)
      .set({ Cookie: editorSession.cookie, "X-CSRF-Token": editorSession.csrf })
      .send({ status: "mitigated", note: "fixed" })
      .expect(200);
  });
});
