import { execFile } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectDto, SubmissionResult } from "@threatline/domain";
import { sha256Hex } from "../../src/auth/crypto.ts";
import { createHarness, TEST_ADMIN_PASSWORD, type Harness, type TestSession } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";

const code = (res: request.Response) => (res.body as { error?: { code?: string } }).error?.code;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const session = (s: TestSession) => ({ Cookie: s.cookie, "X-CSRF-Token": s.csrf });

describe("sign-in, sessions, CSRF and API tokens", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ config: { LOGIN_MAX_FAILURES: 3, LOGIN_IP_MAX_FAILURES: 1_000 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("signs in with an httpOnly, SameSite=Strict cookie holding a token stored only as a hash", async () => {
    const res = await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: h.admin.email.toUpperCase(), password: TEST_ADMIN_PASSWORD })
      .expect(200);
    const cookie = [res.headers["set-cookie"] ?? []].flat().find((c: string) => c.startsWith("tl_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api/);
    expect(cookie).not.toMatch(/Secure/i);
    const value = cookie.split(";")[0]!.slice("tl_session=".length);
    expect(value.length).toBeGreaterThanOrEqual(40);
    const rows = await h.database.db.session.findMany({ where: { userId: h.admin.id } });
    expect(rows.some((r) => r.tokenHash === sha256Hex(value))).toBe(true);
    expect(rows.some((r) => r.tokenHash === value)).toBe(false);
    expect(res.body).toMatchObject({
      authenticated: true,
      via: "session",
      user: { email: h.admin.email, isAdmin: true },
      teams: [{ name: "Default", role: "admin" }],
    });
    expect(typeof res.body.csrfToken).toBe("string");

    const view = await request(h.api).get("/api/v1/auth/session").set("Cookie", `tl_session=${value}`).expect(200);
    expect(view.body.csrfToken).toBe(res.body.csrfToken);
  });

  it("marks the cookie Secure when the request came over HTTPS through a trusted proxy", async () => {
    const res = await request(h.api)
      .post("/api/v1/auth/login")
      .set("X-Forwarded-Proto", "https")
      .send({ email: h.admin.email, password: TEST_ADMIN_PASSWORD })
      .expect(200);
    expect([res.headers["set-cookie"] ?? []].flat().join(";")).toMatch(/Secure/);
  });

  it("answers the same code for an unknown e-mail and a wrong password, and never 200", async () => {
    const unknown = await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: "nobody@threatline.test", password: "whatever-password" })
      .expect(401);
    const wrong = await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: h.admin.email, password: "not the password" })
      .expect(401);
    expect(code(unknown)).toBe("auth/invalid-credentials");
    expect(code(wrong)).toBe("auth/invalid-credentials");
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(unknown.headers["set-cookie"]).toBeUndefined();
    await h.database.db.user.update({ where: { id: h.admin.id }, data: { failedLogins: 0 } });
  });

  it("tells an anonymous caller it is not signed in, and refuses everything else with 401", async () => {
    expect((await request(h.api).get("/api/v1/auth/session").expect(200)).body).toEqual({ authenticated: false });
    expect(code(await request(h.api).get("/api/v1/projects").expect(401))).toBe("auth/unauthenticated");
    expect(
      code(
        await request(h.api)
          .get("/api/v1/projects")
          .set("Cookie", "tl_session=forged-session-value-000000000000")
          .expect(401),
      ),
    ).toBe("auth/unauthenticated");
    await request(h.api).get("/healthz").expect(200);
  });

  it("refuses unauthenticated bodies before reading them", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "anon-body" }).expect(201))
      .body as ProjectDto;
    const res = await request(h.api)
      .post(`/api/v1/projects/${project.id}/submissions`)
      .send({ files: [{ path: "a.yaml", content: CFN_BUCKET }] })
      .expect(401);
    expect(code(res)).toBe("auth/unauthenticated");
    expect(await h.database.db.analysis.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("ends the session on logout and after the idle deadline", async () => {
    const s = await h.login(h.admin);
    await request(h.api).get("/api/v1/projects").set(session(s)).expect(200);
    await request(h.api).post("/api/v1/auth/logout").set({ Cookie: s.cookie }).expect(403);
    await request(h.api).post("/api/v1/auth/logout").set(session(s)).expect(204);
    expect(code(await request(h.api).get("/api/v1/projects").set(session(s)).expect(401))).toBe("auth/unauthenticated");

    const idle = await h.login(h.admin);
    const hash = sha256Hex(idle.cookie.slice("tl_session=".length));
    await h.database.db.session.update({
      where: { tokenHash: hash },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    await request(h.api).get("/api/v1/projects").set(session(idle)).expect(401);
    expect(await h.database.db.session.count({ where: { tokenHash: hash } })).toBe(0);
  });

  it("slides the idle deadline on use but never past the absolute lifetime", async () => {
    const s = await h.login(h.admin);
    const hash = sha256Hex(s.cookie.slice("tl_session=".length));
    const soon = new Date(Date.now() + 5 * 60_000);
    await h.database.db.session.update({
      where: { tokenHash: hash },
      data: { expiresAt: soon, createdAt: new Date(Date.now() - 60 * 60_000) },
    });
    await request(h.api).get("/api/v1/projects").set(session(s)).expect(200);
    const slid = await h.database.db.session.findUniqueOrThrow({ where: { tokenHash: hash } });
    expect(slid.expiresAt.getTime()).toBeGreaterThan(soon.getTime() + 30 * 60_000);

    // Logged in 11h58m ago: the 12 h lifetime ends in 2 minutes, and use does not extend it.
    const old = new Date(Date.now() - (12 * 60 - 2) * 60_000);
    await h.database.db.session.update({
      where: { tokenHash: hash },
      data: { createdAt: old, expiresAt: new Date(Date.now() + 60_000) },
    });
    await request(h.api).get("/api/v1/projects").set(session(s)).expect(200);
    const capped = await h.database.db.session.findUniqueOrThrow({ where: { tokenHash: hash } });
    expect(capped.expiresAt.getTime()).toBeLessThanOrEqual(old.getTime() + 12 * 3_600_000);
  });

  it("locks an account after repeated failures (423 even with the right password) until an admin unlocks it", async () => {
    const user = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    for (let i = 0; i < 3; i++) {
      expect(
        code(
          await request(h.api)
            .post("/api/v1/auth/login")
            .send({ email: user.email, password: "wrong password" })
            .expect(401),
        ),
      ).toBe("auth/invalid-credentials");
    }
    const locked = await request(h.api)
      .post("/api/v1/auth/login")
      .send({ email: user.email, password: user.password })
      .expect(423);
    expect(code(locked)).toBe("auth/locked");
    const row = await h.database.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());

    await request(h.app).post(`/api/v1/users/${user.id}/unlock`).expect(200);
    await request(h.api).post("/api/v1/auth/login").send({ email: user.email, password: user.password }).expect(200);
    const events = await h.database.db.auditEvent.findMany({ where: { targetId: user.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.action)).toEqual([
      "auth.login.failed",
      "auth.login.failed",
      "auth.login.lockout",
      "auth.login.locked",
      "user.unlock",
    ]);
    expect(await h.database.db.auditEvent.count({ where: { action: "auth.login", actorUserId: user.id } })).toBe(1);
  });

  it("creates a token once, stores only its hash, and tracks its last use", async () => {
    const s = await h.login(h.admin);
    const created = await request(h.api)
      .post("/api/v1/tokens")
      .set(session(s))
      .send({ name: "ci", scopes: ["read", "submit"] })
      .expect(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^tl_[A-Za-z0-9_-]{43}$/);
    const row = await h.database.db.apiToken.findUniqueOrThrow({ where: { id: created.body.id as string } });
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(10));
    expect(row.lastUsedAt).toBeNull();

    await request(h.api).get("/api/v1/projects").set(bearer(token)).expect(200);
    expect((await h.database.db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt).not.toBeNull();
    const list = await request(h.api).get("/api/v1/tokens").set(session(s)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect((list.body.items as Array<{ id: string; prefix: string }>).find((t) => t.id === row.id)?.prefix).toBe(
      token.slice(0, 10),
    );

    // A token without the admin scope cannot mint more tokens.
    expect(
      code(
        await request(h.api)
          .post("/api/v1/tokens")
          .set(bearer(token))
          .send({ name: "x", scopes: ["admin"] })
          .expect(403),
      ),
    ).toBe("auth/forbidden");

    await request(h.api).delete(`/api/v1/tokens/${row.id}`).set(session(s)).expect(200);
    expect(code(await request(h.api).get("/api/v1/projects").set(bearer(token)).expect(401))).toBe(
      "auth/unauthenticated",
    );
  });

  it("refuses expired tokens, and tokens limited to one team see only that team", async () => {
    const other = await h.createTeam("other-team");
    const user = await h.createUser({ teams: { [h.defaultTeamId]: "editor", [other]: "editor" } });
    const project = (
      await request(h.api)
        .post("/api/v1/projects")
        .set(bearer(await h.tokenFor(user.id)))
        .send({ name: "in-other", teamId: other })
        .expect(201)
    ).body as ProjectDto;
    const limited = await h.tokenFor(user.id, { teamId: h.defaultTeamId });
    await request(h.api).get(`/api/v1/projects/${project.id}`).set(bearer(limited)).expect(404);
    const session2 = await request(h.api).get("/api/v1/auth/session").set(bearer(limited)).expect(200);
    expect((session2.body.teams as Array<{ id: string }>).map((t) => t.id)).toEqual([h.defaultTeamId]);

    const expired = await h.tokenFor(user.id, { expiresAt: new Date(Date.now() - 1_000) });
    await request(h.api).get("/api/v1/projects").set(bearer(expired)).expect(401);

    const s = await h.login(user);
    expect(
      code(
        await request(h.api)
          .post("/api/v1/tokens")
          .set(session(s))
          .send({ name: "x", scopes: ["read"], teamId: await h.createTeam("not-mine") })
          .expect(400),
      ),
    ).toBe("request/invalid");
  });

  it("keeps submit and triage scopes apart, and caps a token at its owner's role", async () => {
    const editor = await h.createUser({ teams: { [h.defaultTeamId]: "editor" } });
    const viewer = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "scopes" }).expect(201))
      .body as ProjectDto;
    const files = { files: [{ path: "a.yaml", content: CFN_BUCKET }] };
    const submitOnly = await h.tokenFor(editor.id, { scopes: ["read", "submit"] });
    const triageOnly = await h.tokenFor(editor.id, { scopes: ["read", "triage"] });
    await request(h.api)
      .post(`/api/v1/projects/${project.id}/submissions`)
      .set(bearer(submitOnly))
      .send(files)
      .expect(202);
    expect(
      code(
        await request(h.api)
          .post(`/api/v1/projects/${project.id}/submissions`)
          .set(bearer(triageOnly))
          .send(files)
          .expect(403),
      ),
    ).toBe("auth/forbidden");
    expect(
      code(
        await request(h.api)
          .put(`/api/v1/projects/${project.id}/triage/fp`)
          .set(bearer(submitOnly))
          .send({ status: "mitigated" })
          .expect(403),
      ),
    ).toBe("auth/forbidden");
    // All scopes, but the owner is a viewer: still read-only.
    const viewerAll = await h.tokenFor(viewer.id);
    expect(
      code(
        await request(h.api)
          .post(`/api/v1/projects/${project.id}/submissions`)
          .set(bearer(viewerAll))
          .send(files)
          .expect(403),
      ),
    ).toBe("auth/forbidden");
  });

  it("lets a signed-in user change their password, ending their other sessions", async () => {
    const user = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    const a = await h.login(user);
    const b = await h.login(user);
    expect(
      code(
        await request(h.api)
          .post("/api/v1/auth/password")
          .set(session(a))
          .send({ currentPassword: "wrong", newPassword: "a brand new password" })
          .expect(401),
      ),
    ).toBe("auth/invalid-credentials");
    await request(h.api)
      .post("/api/v1/auth/password")
      .set(session(a))
      .send({ currentPassword: user.password, newPassword: "a brand new password" })
      .expect(204);
    await request(h.api).get("/api/v1/projects").set(session(a)).expect(200);
    await request(h.api).get("/api/v1/projects").set(session(b)).expect(401);
    await h.login({ email: user.email, password: "a brand new password" });
  });

  it("lists the caller's sessions and signs out of the other ones, keeping this one", async () => {
    const user = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    const other = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    const [a, b, c] = [await h.login(user), await h.login(user), await h.login(user)];
    const bystander = await h.login(other);
    const listed = await request(h.api).get("/api/v1/auth/sessions").set(session(a)).expect(200);
    const items = (listed.body as { items: Array<{ id: string; current: boolean }> }).items;
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toMatch(/csrf|tokenHash/i);

    // With an API token there is no session to keep: refused, nothing ended.
    const token = await h.tokenFor(user.id);
    expect(code(await request(h.api).post("/api/v1/auth/sessions/end-others").set(bearer(token)).expect(403))).toBe(
      "auth/forbidden",
    );
    await request(h.api).get("/api/v1/projects").set(session(b)).expect(200);

    const ended = await request(h.api).post("/api/v1/auth/sessions/end-others").set(session(a)).expect(200);
    expect(ended.body).toEqual({ ended: 2 });
    await request(h.api).get("/api/v1/projects").set(session(a)).expect(200);
    for (const gone of [b, c]) await request(h.api).get("/api/v1/projects").set(session(gone)).expect(401);
    await request(h.api).get("/api/v1/projects").set(session(bystander)).expect(200);
    const after = await request(h.api).get("/api/v1/auth/sessions").set(session(a)).expect(200);
    expect((after.body as { items: unknown[] }).items).toHaveLength(1);
    const audited = await h.database.db.auditEvent.findFirst({
      where: { action: "auth.sessions.end-others", actorUserId: user.id },
    });
    expect(audited?.details).toMatchObject({ ended: 2 });
  });

  it("sets strict security headers with a CSP that allows no inline script", async () => {
    const res = await request(h.api).get("/healthz").expect(200);
    const csp = res.headers["content-security-policy"] as string;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/font-src 'self' data:(;|$)/);
    expect(csp).not.toMatch(/https:|unsafe-eval/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("works end to end for the CLI: threatline submit --wait and export with a bearer token", async () => {
    const cliUser = await h.createUser({ teams: { [h.defaultTeamId]: "editor" } });
    const token = await h.tokenFor(cliUser.id, { scopes: ["read", "submit"], teamId: h.defaultTeamId });
    h.startWorker();
    const server = await new Promise<Server>((resolve) => {
      const s = h.api.listen(0, "127.0.0.1", () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), "tl-cli-auth-"));
    writeFileSync(join(dir, "app.yaml"), CFN_BUCKET);
    const bin = fileURLToPath(new URL("../../../cli/bin/threatline.mjs", import.meta.url));
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { cwd: dir, env: { ...process.env, NO_COLOR: "1", THREATLINE_POLL_MS: "100", ...env } },
          (error, stdout, stderr) => {
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
          },
        );
      });
    try {
      const denied = await run(["submit", "app.yaml", "--server", url, "--project", "cli-auth"], {
        THREATLINE_TOKEN: "",
      });
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain("auth/unauthenticated");
      const ok = await run(["submit", "app.yaml", "--server", url, "--project", "cli-auth", "--wait"], {
        THREATLINE_TOKEN: token,
      });
      expect(ok.stderr + ok.stdout).not.toContain("auth/");
      expect(ok.code, ok.stderr).toBe(0);
      const project = await h.database.db.project.findFirstOrThrow({ where: { name: "cli-auth" } });
      expect(project.teamId).toBe(h.defaultTeamId);
      const exported = await run(
        ["export", "--project", project.id, "--format", "json", "--server", url, "--output", join(dir, "out.json")],
        { THREATLINE_TOKEN: token },
      );
      expect(exported.code, exported.stderr).toBe(0);
      expect(readFileSync(join(dir, "out.json"), "utf8")).toContain("AppBucket");
      const submitted = await h.database.db.auditEvent.findFirst({
        where: { action: "analysis.submit", actorUserId: cliUser.id },
      });
      expect(submitted?.actorTokenId).not.toBeNull();
    } finally {
      server.close();
    }
  });

  it("keeps working for the default harness caller (the bootstrapped admin token)", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "harness" }).expect(201))
      .body as ProjectDto;
    const result = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: "h.yaml", content: CFN_BUCKET }] })
        .expect(202)
    ).body as SubmissionResult;
    expect(result.analyses).toHaveLength(1);
  });
});
