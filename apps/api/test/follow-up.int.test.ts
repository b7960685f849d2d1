import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CurrentThreatDto, type ThreatCommentDto, type ThreatFollowUpDto } from "@threatline/domain";
import { createProject, submitAndWait } from "@threatline/test-utils";
import { createHarness, type Harness, type TestUser } from "./harness.ts";
import { CFN_BUCKET } from "./fixtures.ts";

/**
 * Ownership and follow-up (issue #22 item 2): an assignee from the team, a ticket link and comments on a
 * threat, kept by fingerprint across re-analysis; the "assigned to me" filter. Real PostgreSQL, Redis, worker.
 */
describe("threat assignee, ticket link and comments", () => {
  let h: Harness;
  let projectId: string;
  let editor: TestUser;
  let editorToken: string;
  let viewerToken: string;
  let outsider: TestUser;
  let fingerprint: string;

  const api = (path: string) => `/api/v1/projects/${projectId}${path}`;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const threats = async (query = "", token = h.adminToken) =>
    (
      (
        await request(h.api)
          .get(api(`/threats?limit=500${query}`))
          .set(as(token))
          .expect(200)
      ).body as { items: CurrentThreatDto[] }
    ).items;

  const submit = (content: string) => submitAndWait(h.app, projectId, [{ path: "app.yaml", content }]);

  beforeAll(async () => {
    h = await createHarness();
    projectId = await createProject(h.app, "followed");
    editor = await h.createUser({ teams: { [h.defaultTeamId]: "editor" } });
    editorToken = await h.tokenFor(editor.id);
    const viewer = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    viewerToken = await h.tokenFor(viewer.id);
    const otherTeam = await h.createTeam("elsewhere");
    outsider = await h.createUser({ teams: { [otherTeam]: "editor" } });
    h.startWorker();
    await submit(CFN_BUCKET);
    fingerprint = (await threats())[0]!.fingerprint;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("assigns a threat to a team member, filters by assignee, and clears it", async () => {
    const members = (await request(h.api).get(api("/members")).set(as(viewerToken)).expect(200)).body as {
      items: Array<{ id: string; email: string }>;
    };
    expect(members.items.map((m) => m.email)).toContain(editor.email);
    expect(members.items.map((m) => m.email)).not.toContain(outsider.email);

    const res = await request(h.api)
      .patch(api(`/threats/${fingerprint}/follow-up`))
      .set(as(editorToken))
      .send({ assigneeId: editor.id, ticketUrl: "https://tracker.example.com/SEC-42" })
      .expect(200);
    const body = res.body as ThreatFollowUpDto;
    expect(body.assignee?.email).toBe(editor.email);
    expect(body.ticketUrl).toBe("https://tracker.example.com/SEC-42");

    const listed = (await threats()).find((t) => t.fingerprint === fingerprint)!;
    expect(listed.assignee?.id).toBe(editor.id);
    expect(listed.ticketUrl).toBe("https://tracker.example.com/SEC-42");
    // "Assigned to me": the editor sees the threat, the administrator does not; `none` is the complement.
    expect((await threats("&assignee=me", editorToken)).map((t) => t.fingerprint)).toEqual([fingerprint]);
    expect(await threats("&assignee=me")).toEqual([]);
    expect((await threats(`&assignee=${editor.id}`)).map((t) => t.fingerprint)).toEqual([fingerprint]);
    const all = await threats();
    expect((await threats("&assignee=none")).length).toBe(all.length - 1);

    // Clearing the assignee keeps the ticket link.
    const cleared = (
      await request(h.api)
        .patch(api(`/threats/${fingerprint}/follow-up`))
        .set(as(editorToken))
        .send({ assigneeId: null })
        .expect(200)
    ).body as ThreatFollowUpDto;
    expect(cleared.assignee).toBeNull();
    expect(cleared.ticketUrl).toBe("https://tracker.example.com/SEC-42");
    expect(await threats("&assignee=me", editorToken)).toEqual([]);
  });

  it("refuses an assignee from another team, a non-http ticket link, a viewer and an unknown threat", async () => {
    const outside = await request(h.api)
      .patch(api(`/threats/${fingerprint}/follow-up`))
      .set(as(editorToken))
      .send({ assigneeId: outsider.id })
      .expect(400);
    expect(outside.body.error.code).toBe("threat/invalid-assignee");
    for (const ticketUrl of ["javascript:alert(1)", "ftp://tracker.example.com/1", "not a url"]) {
      const bad = await request(h.api)
        .patch(api(`/threats/${fingerprint}/follow-up`))
        .set(as(editorToken))
        .send({ ticketUrl })
        .expect(400);
      expect(bad.body.error.code).toBe("request/invalid");
    }
    const viewer = await request(h.api)
      .patch(api(`/threats/${fingerprint}/follow-up`))
      .set(as(viewerToken))
      .send({ ticketUrl: null })
      .expect(403);
    expect(viewer.body.error.code).toBe("auth/forbidden");
    const unknown = await request(h.api)
      .patch(api(`/threats/no-such-threat/follow-up`))
      .set(as(editorToken))
      .send({ ticketUrl: null })
      .expect(404);
    expect(unknown.body.error.code).toBe("threat/not-found");
  });

  it("keeps a thread of comments with author and time; viewers read but cannot write", async () => {
    const first = (
      await request(h.api)
        .post(api(`/threats/${fingerprint}/comments`))
        .set(as(editorToken))
        .send({ body: "  Checked with the owner: <b>not</b> needed public.  " })
        .expect(201)
    ).body as ThreatCommentDto;
    expect(first.body).toBe("Checked with the owner: <b>not</b> needed public.");
    expect(first.author?.email).toBe(editor.email);
    await request(h.app)
      .post(api(`/threats/${fingerprint}/comments`))
      .send({ body: "Ticket raised." })
      .expect(201);
    const denied = await request(h.api)
      .post(api(`/threats/${fingerprint}/comments`))
      .set(as(viewerToken))
      .send({ body: "me too" })
      .expect(403);
    expect(denied.body.error.code).toBe("auth/forbidden");
    await request(h.api)
      .post(api(`/threats/${fingerprint}/comments`))
      .set(as(editorToken))
      .send({ body: "  " })
      .expect(400);

    const thread = (
      (
        await request(h.api)
          .get(api(`/threats/${fingerprint}/comments`))
          .set(as(viewerToken))
          .expect(200)
      ).body as {
        items: ThreatCommentDto[];
      }
    ).items;
    expect(thread.map((c) => c.body)).toEqual([first.body, "Ticket raised."]);
    expect(thread[1]!.author?.email).toBe(h.admin.email);
    expect((await threats()).find((t) => t.fingerprint === fingerprint)!.commentCount).toBe(2);

    // Someone else's comment: only its author or a team admin deletes it.
    const notYours = await request(h.api)
      .delete(api(`/threats/${fingerprint}/comments/${thread[1]!.id}`))
      .set(as(editorToken))
      .expect(403);
    expect(notYours.body.error.code).toBe("auth/forbidden");
    await request(h.app)
      .delete(api(`/threats/${fingerprint}/comments/${thread[0]!.id}`))
      .expect(204);
    await request(h.app)
      .delete(api(`/threats/${fingerprint}/comments/${thread[0]!.id}`))
      .expect(404);
  });

  it("carries the assignee, ticket and comments to the next analysis that finds the same threat", async () => {
    await request(h.api)
      .patch(api(`/threats/${fingerprint}/follow-up`))
      .set(as(editorToken))
      .send({ assigneeId: editor.id })
      .expect(200);
    const before = (await threats()).find((t) => t.fingerprint === fingerprint)!;
    await submit(`${CFN_BUCKET}# a second version\n`);
    const after = (await threats()).find((t) => t.fingerprint === fingerprint)!;
    expect(after.analysisId).not.toBe(before.analysisId);
    expect(after.assignee?.id).toBe(editor.id);
    expect(after.ticketUrl).toBe("https://tracker.example.com/SEC-42");
    expect(after.commentCount).toBe(1);
    const followUp = (
      await request(h.app)
        .get(api(`/threats/${fingerprint}/follow-up`))
        .expect(200)
    ).body as {
      comments: ThreatCommentDto[];
    };
    expect(followUp.comments.map((c) => c.body)).toEqual(["Ticket raised."]);
  });
});
