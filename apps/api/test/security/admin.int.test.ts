import { Writable } from "node:stream";
import request from "supertest";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectDto, SubmissionResult } from "@threatline/domain";
import { bootstrapAccounts } from "../../src/auth/bootstrap-accounts.ts";
import { authSettings } from "../../src/auth/middleware.ts";
import { login, resolveApiToken } from "../../src/services/auth.service.ts";
import { newTokenValue } from "../../src/services/tokens.service.ts";
import { createHarness, type Harness } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";
import { createTestDatabase, waitFor } from "../../../../test/support.ts";

const code = (res: request.Response) => (res.body as { error?: { code?: string } }).error?.code;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("teams, roles and the audit log", () => {
  let h: Harness;
  const logLines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString("utf8"));
        done();
      },
    });
    h = await createHarness({ logger: pino({ level: "trace" }, sink) });
  });
  afterAll(async () => {
    await h.close();
  });

  it("lets an instance admin create users and teams, and team admins manage their own team only", async () => {
    const created = await request(h.app)
      .post("/api/v1/users")
      .send({ email: "Dana@Example.test", name: "Dana", password: "dana's long password" })
      .expect(201);
    expect(created.body).toMatchObject({ email: "dana@example.test", isAdmin: false });
    expect(JSON.stringify(created.body)).not.toContain("password");
    const team = (await request(h.app).post("/api/v1/teams").send({ name: "payments" }).expect(201)).body as {
      id: string;
    };
    await request(h.app)
      .post(`/api/v1/teams/${team.id}/members`)
      .send({ email: "dana@example.test", role: "admin" })
      .expect(201);

    const dana = await h.login({ email: "dana@example.test", password: "dana's long password" });
    const asDana = { Cookie: dana.cookie, "X-CSRF-Token": dana.csrf };
    const view = await request(h.api).get("/api/v1/auth/session").set(asDana).expect(200);
    expect(view.body.teams).toEqual([{ id: team.id, name: "payments", role: "admin" }]);

    const erin = await h.createUser();
    await request(h.api)
      .post(`/api/v1/teams/${team.id}/members`)
      .set(asDana)
      .send({ email: erin.email, role: "viewer" })
      .expect(201);
    await request(h.api)
      .patch(`/api/v1/teams/${team.id}/members/${erin.id}`)
      .set(asDana)
      .send({ role: "editor" })
      .expect(200);
    const members = await request(h.api).get(`/api/v1/teams/${team.id}/members`).set(asDana).expect(200);
    expect((members.body.items as Array<{ email: string; role: string }>).map((m) => [m.email, m.role]).sort()).toEqual(
      [
        [erin.email, "editor"],
        ["admin@threatline.test", "admin"],
        ["dana@example.test", "admin"],
      ].sort(),
    );

    // Dana administers payments, not Default: Default is invisible to her, and she cannot create teams or users.
    expect(
      code(
        await request(h.api)
          .post(`/api/v1/teams/${h.defaultTeamId}/members`)
          .set(asDana)
          .send({ email: erin.email, role: "admin" })
          .expect(404),
      ),
    ).toBe("request/not-found");
    expect(code(await request(h.api).post("/api/v1/teams").set(asDana).send({ name: "mine" }).expect(403))).toBe(
      "auth/forbidden",
    );
    expect(
      code(
        await request(h.api)
          .post("/api/v1/users")
          .set(asDana)
          .send({ email: "x@example.test", password: "long enough password" })
          .expect(403),
      ),
    ).toBe("auth/forbidden");

    // An editor cannot grant roles, even to themselves.
    const erinToken = await h.tokenFor(erin.id);
    expect(
      code(
        await request(h.api)
          .patch(`/api/v1/teams/${team.id}/members/${erin.id}`)
          .set(bearer(erinToken))
          .send({ role: "admin" })
          .expect(403),
      ),
    ).toBe("auth/forbidden");

    // Removing a member takes their access with it, tokens included.
    const project = (
      await request(h.api)
        .post("/api/v1/projects")
        .set(bearer(erinToken))
        .send({ name: "erin's", teamId: team.id })
        .expect(201)
    ).body as ProjectDto;
    await request(h.api).delete(`/api/v1/teams/${team.id}/members/${erin.id}`).set(asDana).expect(204);
    await request(h.api).get(`/api/v1/projects/${project.id}`).set(bearer(erinToken)).expect(404);

    // Deleting a user ends every credential of theirs; an admin cannot delete themselves.
    await request(h.api).get("/api/v1/tokens").set(bearer(erinToken)).expect(200);
    await request(h.app).delete(`/api/v1/users/${erin.id}`).expect(204);
    expect(code(await request(h.api).get("/api/v1/tokens").set(bearer(erinToken)).expect(401))).toBe(
      "auth/unauthenticated",
    );
    expect(code(await request(h.app).delete(`/api/v1/users/${h.admin.id}`).expect(400))).toBe("request/invalid");
  });

  it("keeps at least one admin in every team", async () => {
    const team = (await request(h.app).post("/api/v1/teams").send({ name: "solo" }).expect(201)).body as { id: string };
    expect(
      code(
        await request(h.app)
          .patch(`/api/v1/teams/${team.id}/members/${h.admin.id}`)
          .send({ role: "editor" })
          .expect(400),
      ),
    ).toBe("request/invalid");
    expect(code(await request(h.app).delete(`/api/v1/teams/${team.id}/members/${h.admin.id}`).expect(400))).toBe(
      "request/invalid",
    );
  });

  it("records who did what, filters it, and shows team admins only their teams", async () => {
    const marker = "TL-SECRET-TEMPLATE-MARKER-7f3a";
    const project = (
      await request(h.app).post("/api/v1/projects").send({ name: "audited", teamId: h.defaultTeamId }).expect(201)
    ).body as ProjectDto;
    const result = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: "audited.yaml", content: `${CFN_BUCKET}# ${marker}\n` }] })
        .expect(202)
    ).body as SubmissionResult;
    await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: "dana@example.test", password: "wrong password!" })
      .expect(401);

    const all = await request(h.app).get("/api/v1/audit?limit=500").expect(200);
    const events = all.body.items as Array<{
      action: string;
      actor: { email: string | null; tokenId: string | null };
      target: { id: string | null };
      teamId: string | null;
      ip: string | null;
      details: unknown;
    }>;
    const actions = new Set(events.map((e) => e.action));
    for (const a of [
      "user.bootstrap",
      "token.bootstrap",
      "user.create",
      "team.create",
      "team.member.add",
      "team.member.role",
      "team.member.remove",
      "auth.login",
      "auth.login.failed",
      "project.create",
      "analysis.submit",
    ]) {
      expect(actions, a).toContain(a);
    }
    const submitted = events.find((e) => e.action === "analysis.submit" && e.target.id === result.batchId)!;
    expect(submitted).toMatchObject({ actor: { email: "admin@threatline.test" }, teamId: h.defaultTeamId });
    expect(submitted.actor.tokenId).not.toBeNull();
    expect(submitted.ip).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(events)).not.toContain(marker);
    expect(JSON.stringify(await h.database.db.auditEvent.findMany())).not.toContain(marker);

    const authOnly = (await request(h.app).get("/api/v1/audit?action=auth.").expect(200)).body.items as Array<{
      action: string;
    }>;
    expect(authOnly.length).toBeGreaterThan(0);
    expect(authOnly.every((e) => e.action.startsWith("auth."))).toBe(true);
    const byDana = (await request(h.app).get("/api/v1/audit?actor=dana@example.test").expect(200)).body.items as Array<{
      actor: { email: string };
    }>;
    expect(byDana.length).toBeGreaterThan(0);
    expect(byDana.every((e) => e.actor.email === "dana@example.test")).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (
        await request(h.app)
          .get(`/api/v1/audit?from=${encodeURIComponent(future)}`)
          .expect(200)
      ).body.items,
    ).toEqual([]);
    expect((await request(h.app).get("/api/v1/audit?limit=2").expect(200)).body.items).toHaveLength(2);

    const dana = await h.login({ email: "dana@example.test", password: "dana's long password" });
    const danaView = (await request(h.api).get("/api/v1/audit?limit=500").set({ Cookie: dana.cookie }).expect(200)).body
      .items as Array<{ teamId: string }>;
    const payments = (await h.database.db.team.findUniqueOrThrow({ where: { name: "payments" } })).id;
    expect(danaView.length).toBeGreaterThan(0);
    expect(danaView.every((e) => e.teamId === payments)).toBe(true);
    expect(
      code(
        await request(h.api).get(`/api/v1/audit?teamId=${h.defaultTeamId}`).set({ Cookie: dana.cookie }).expect(403),
      ),
    ).toBe("auth/forbidden");
    const viewer = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    expect(
      code(
        await request(h.api)
          .get("/api/v1/audit")
          .set(bearer(await h.tokenFor(viewer.id)))
          .expect(403),
      ),
    ).toBe("auth/forbidden");
  });

  it("never writes template content or credentials to the logs", async () => {
    const marker = "TL-LOG-MARKER-c0ffee";
    const project = (
      await request(h.app).post("/api/v1/projects").send({ name: "logged", teamId: h.defaultTeamId }).expect(201)
    ).body as ProjectDto;
    const ok = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: "logged.yaml", content: `${CFN_BUCKET}# ${marker}\n` }] })
        .expect(202)
    ).body as SubmissionResult;
    // Failing paths too: a refused file and a template that does not parse.
    await request(h.app)
      .post(`/api/v1/projects/${project.id}/submissions`)
      .send({ files: [{ path: "bad.bin", content: `${marker}\u0000` }] })
      .expect(422);
    const broken = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: "broken.yaml", content: `Resources: [${marker}: {` }] })
        .expect(202)
    ).body as SubmissionResult;
    await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: "admin@threatline.test", password: marker })
      .expect(401);
    h.startWorker();
    for (const id of [ok.analyses[0]!.id, broken.analyses[0]!.id]) {
      await waitFor(
        async () =>
          ["succeeded", "failed", "partial"].includes(
            (await h.database.db.analysis.findUniqueOrThrow({ where: { id } })).status,
          ),
        30_000,
        "analysis",
      );
    }
    const logs = logLines.join("");
    expect(logs).toContain("request completed"); // the capture works: requests are logged
    expect(logs).toContain(`/api/v1/projects/${project.id}/submissions`);
    expect(logs).not.toContain(marker);
    expect(logs).not.toContain(h.adminToken);
  });
});

describe("per-IP login throttling", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ config: { LOGIN_IP_MAX_FAILURES: 4, LOGIN_MAX_FAILURES: 100 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers 429 auth/rate-limited after too many failures from one address, whatever the account", async () => {
    for (let i = 0; i < 4; i++) {
      await request(h.api)
        .post("/api/v1/auth/login")
        .send({ email: `spray${i}@example.test`, password: "Summer2026!!" })
        .expect(401);
    }
    const limited = await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: h.admin.email, password: h.admin.password })
      .expect(429);
    expect(code(limited)).toBe("auth/rate-limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Bearer tokens are not affected, and the count is in Redis under this deployment's prefix.
    await request(h.app).get("/api/v1/projects").expect(200);
    expect(await h.deps.redis.keys(`${h.prefix}:login-ip*`)).not.toHaveLength(0);
    expect(await h.database.db.auditEvent.count({ where: { action: "auth.login.rate-limited" } })).toBe(1);
  });
});

describe("first-run bootstrap", () => {
  it("creates one administrator with a generated password printed once, and provisions the bootstrap token once", async () => {
    const database = await createTestDatabase();
    try {
      const printed: string[] = [];
      const token = newTokenValue();
      const first = await bootstrapAccounts(database.db, { THREATLINE_BOOTSTRAP_TOKEN: token }, (t) => printed.push(t));
      const again = await bootstrapAccounts(database.db, { THREATLINE_BOOTSTRAP_TOKEN: token }, (t) => printed.push(t));
      expect(first.createdAdmin?.email).toBe("admin@localhost");
      expect(first.provisionedToken).toBe(true);
      expect(again).toEqual({ createdAdmin: null, provisionedToken: false });
      expect(printed).toHaveLength(1);
      const password = /password: (\S+)/.exec(printed[0]!)?.[1];
      expect(password).toBe(first.createdAdmin?.generatedPassword);
      expect(await database.db.user.count()).toBe(1);
      expect(await database.db.apiToken.count()).toBe(1);
      expect(JSON.stringify(await database.db.user.findMany())).not.toContain(password!);

      const settings = authSettings({ MAX_FILE_BYTES: 1, MAX_FILES: 1, MAX_SUBMISSION_BYTES: 1, WEB_DIST: undefined });
      const signedIn = await login(database.db, settings, "admin@localhost", password!, null);
      expect(signedIn.principal.actor.isAdmin).toBe(true);
      expect([...signedIn.principal.actor.teams.values()]).toEqual(["admin"]);
      const viaToken = await resolveApiToken(database.db, token, null);
      expect(viaToken?.actor.isAdmin).toBe(true);
      expect(viaToken?.credential).toMatchObject({ kind: "token", scopes: ["read", "submit", "triage", "admin"] });
    } finally {
      await database.drop();
    }
  });
});
