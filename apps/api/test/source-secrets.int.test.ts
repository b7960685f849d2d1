import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinalStatus, type AnalysisSourceDto, type BatchDto, type SubmissionResult } from "@threatline/domain";
import { createHarness, type Harness } from "./harness.ts";
import { waitFor } from "../../../test/support.ts";

const PASSWORD = "Tr0ub4dor&3-horse";
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: app
      MasterUserPassword: "${PASSWORD}"
      PubliclyAccessible: true
`;

/** The evidence view's source: secret values masked; a reveal needs the editor role and is audited. */
describe("secrets in an analysed file", () => {
  let h: Harness;
  let analysisId: string;
  let viewer: string;
  let editor: string;
  let readOnly: string;

  beforeAll(async () => {
    h = await createHarness();
    const projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "secrets" }).expect(201)).body as { id: string }
    ).id;
    const submitted = (
      await request(h.app)
        .post(`/api/v1/projects/${projectId}/submissions`)
        .send({ files: [{ path: "db.yaml", content: TEMPLATE }] })
        .expect(202)
    ).body as SubmissionResult;
    analysisId = submitted.analyses[0]!.id;
    h.startWorker();
    await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${submitted.batchId}`)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      60_000,
      "the analysis",
    );
    const viewerUser = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    const editorUser = await h.createUser({ teams: { [h.defaultTeamId]: "editor" } });
    viewer = await h.tokenFor(viewerUser.id);
    editor = await h.tokenFor(editorUser.id);
    readOnly = await h.tokenFor(editorUser.id, { scopes: ["read"] });
  });
  afterAll(async () => {
    await h?.close();
  });

  const source = (token: string, reveal?: boolean) =>
    request(h.api)
      .get(`/api/v1/analyses/${analysisId}/source${reveal ? "?reveal=true" : ""}`)
      .set("Authorization", `Bearer ${token}`);
  const reveals = () => h.database.db.auditEvent.count({ where: { action: "analysis.source.reveal" } });

  it("masks the secret value for everyone, keeping the lines in place", async () => {
    const res = await source(viewer).expect(200);
    const body = res.body as AnalysisSourceDto;
    expect(res.text).not.toContain(PASSWORD);
    expect(body.revealed).toBe(false);
    expect(body.masked).toEqual([{ line: 8, lines: 1, kind: "password" }]);
    expect(body.content.split("\n")).toHaveLength(TEMPLATE.split("\n").length);
    expect(body.content.split("\n")[7]).toBe('      MasterUserPassword: "••••••••"');
    expect(res.headers["cache-control"]).toBe("private, max-age=3600");
  });

  it("refuses a reveal to a viewer and to a read-only token, and records nothing", async () => {
    const before = await reveals();
    const denied = await source(viewer, true).expect(403);
    expect(denied.body.error.code).toBe("auth/forbidden");
    expect(denied.text).not.toContain(PASSWORD);
    await source(readOnly, true).expect(403);
    expect(await reveals()).toBe(before);
  });

  it("reveals the value to an editor, uncached, and audits who did it", async () => {
    const res = await source(editor, true).expect(200);
    const body = res.body as AnalysisSourceDto;
    expect(body.revealed).toBe(true);
    expect(body.content).toBe(TEMPLATE);
    expect(body.masked).toHaveLength(1);
    expect(res.headers["cache-control"]).toBe("no-store");
    const event = await h.database.db.auditEvent.findFirstOrThrow({
      where: { action: "analysis.source.reveal" },
      orderBy: { at: "desc" },
    });
    expect(event).toMatchObject({ targetType: "analysis", targetId: analysisId, teamId: h.defaultTeamId });
    expect(event.details).toMatchObject({ path: "db.yaml", secrets: 1 });
    await request(h.api)
      .get(`/api/v1/analyses/${analysisId}/source?reveal=yes`)
      .set("Authorization", `Bearer ${editor}`)
      .expect(400);
  });
});
