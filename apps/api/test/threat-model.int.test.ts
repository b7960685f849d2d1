import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CurrentThreatDto, type Mitigation, type ProjectDto, type RiskPoint } from "@threatline/domain";
import { createProject, submitAndWait } from "@threatline/test-utils";
import { createHarness, type Harness } from "./harness.ts";
import { CFN_BUCKET } from "./fixtures.ts";

/**
 * The threat model people shape: threats by hand, edits kept by fingerprint across re-analysis, mitigations that
 * close threats in the risk figures and the trend, assumptions. Real PostgreSQL, Redis and worker.
 */
describe("threat models people can shape", () => {
  let h: Harness;
  let projectId: string;
  let viewerToken: string;

  const api = (path: string) => `/api/v1/projects/${projectId}${path}`;
  const project = async () => (await request(h.app).get(api("")).expect(200)).body as ProjectDto;
  const threats = async (query = "") =>
    (
      (
        await request(h.app)
          .get(api(`/threats?limit=500${query}`))
          .expect(200)
      ).body as { items: CurrentThreatDto[] }
    ).items;
  const lastTrendRisk = async () => {
    const items = ((await request(h.app).get(api("/trend")).expect(200)).body as { items: RiskPoint[] }).items;
    return items.at(-1)?.riskScore;
  };

  const submit = (content: string) => submitAndWait(h.app, projectId, [{ path: "app.yaml", content }]);

  beforeAll(async () => {
    h = await createHarness();
    projectId = await createProject(h.app, "shaped");
    const viewer = await h.createUser({ teams: { [h.defaultTeamId]: "viewer" } });
    viewerToken = await h.tokenFor(viewer.id);
    h.startWorker();
    await submit(CFN_BUCKET);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("adds a threat by hand: current, counted in the risk, deletable; a viewer may not", async () => {
    const before = await project();
    const body = {
      category: "Spoofing",
      severity: "critical",
      title: "Support staff can impersonate customers",
      description: "The support console logs in as any customer without their consent.",
      resource: { id: "SupportConsole", type: "process" },
    };
    await request(h.api).post(api("/threats")).set("Authorization", `Bearer ${viewerToken}`).send(body).expect(403);
    const bad = await request(h.app)
      .post(api("/threats"))
      .send({ ...body, category: "Phishing" })
      .expect(400);
    expect(bad.body.error.code).toBe("request/invalid");

    const created = (await request(h.app).post(api("/threats")).send(body).expect(201)).body as CurrentThreatDto;
    expect(created).toMatchObject({ source: "manual", severity: "critical", score: 20, ruleId: null });
    expect(created.fingerprint).toMatch(/^manual-/);
    const listed = (await threats()).find((t) => t.fingerprint === created.fingerprint);
    expect(listed).toMatchObject({ analysisId: null, title: body.title, resources: [{ id: "SupportConsole" }] });
    expect((await project()).riskScore).toBe(before.riskScore + 20);
    expect(await lastTrendRisk()).toBe(before.riskScore + 20);

    // Triage works on it like on any threat.
    await request(h.app)
      .put(api(`/triage/${created.fingerprint}`))
      .send({ status: "false_positive", note: "console was removed" })
      .expect(200);
    expect((await project()).riskScore).toBe(before.riskScore);

    await request(h.app)
      .delete(api(`/threats/${created.fingerprint}`))
      .expect(204);
    expect((await threats()).some((t) => t.fingerprint === created.fingerprint)).toBe(false);
    await request(h.app)
      .delete(api(`/threats/${created.fingerprint}`))
      .expect(404);
    const generated = (await threats())[0]!;
    const refused = await request(h.app)
      .delete(api(`/threats/${generated.fingerprint}`))
      .expect(409);
    expect(refused.body.error.code).toBe("threat/not-manual");
  });

  it("keeps an edit of a generated threat across re-analysis, with the original visible, and in the risk", async () => {
    const [target] = await threats("&sort=score");
    expect(target).toBeDefined();
    const fp = target!.fingerprint;
    const before = await project();
    await request(h.app)
      .patch(api(`/threats/${fp}`))
      .send({ title: "World-readable app bucket", severity: "info" })
      .expect(200);
    const edited = (await threats()).find((t) => t.fingerprint === fp)!;
    expect(edited).toMatchObject({ title: "World-readable app bucket", severity: "info", score: 1 });
    expect(edited.original).toEqual({
      title: target!.title,
      description: target!.description,
      severity: target!.severity,
      score: target!.score,
    });
    expect((await project()).riskScore).toBe(before.riskScore - target!.score + 1);
    // Filtering by severity follows the edit.
    expect((await threats("&severity=info")).map((t) => t.fingerprint)).toContain(fp);
    expect((await threats(`&severity=${target!.severity}`)).map((t) => t.fingerprint)).not.toContain(fp);

    // A second version of the template: a new analysis finds the same threat, and the edit still applies.
    await submit(`${CFN_BUCKET}Outputs:\n  Name:\n    Value: !Ref AppBucket\n`);
    const again = (await threats()).find((t) => t.fingerprint === fp)!;
    expect(again.analysisId).not.toBe(target!.analysisId);
    expect(again).toMatchObject({ title: "World-readable app bucket", severity: "info" });
    expect(again.original?.title).toBe(target!.title);

    // null restores the engine's value; an edit with nothing left is gone.
    await request(h.app)
      .patch(api(`/threats/${fp}`))
      .send({ title: null, severity: null })
      .expect(200);
    const restored = (await threats()).find((t) => t.fingerprint === fp)!;
    expect(restored).toMatchObject({ title: target!.title, severity: target!.severity, original: null });
    expect((await project()).riskScore).toBe(before.riskScore);

    const unknown = await request(h.app).patch(api("/threats/nope")).send({ title: "x" }).expect(404);
    expect(unknown.body.error.code).toBe("threat/not-found");
    await request(h.app)
      .patch(api(`/threats/${fp}`))
      .send({})
      .expect(400);
  });

  it("closes a threat in the risk and its trend once all its mitigations are done", async () => {
    const [a, b] = await threats("&sort=score");
    expect(a && b).toBeTruthy();
    const before = await project();
    const create = (body: object) => request(h.app).post(api("/mitigations")).send(body);
    expect((await create({ title: "x", fingerprints: ["not-a-threat"] }).expect(404)).body.error.code).toBe(
      "threat/not-found",
    );
    expect((await create({ title: "x", ticketUrl: "javascript:alert(1)" }).expect(400)).body.error.code).toBe(
      "request/invalid",
    );

    const block = (
      await create({
        title: "Block public access on the account",
        status: "in_progress",
        owner: "platform team",
        ticketUrl: "https://tickets.example.com/SEC-12",
        fingerprints: [a!.fingerprint, b!.fingerprint],
      }).expect(201)
    ).body as Mitigation;
    expect(block).toMatchObject({
      status: "in_progress",
      owner: "platform team",
      ticketUrl: "https://tickets.example.com/SEC-12",
    });
    expect(block.fingerprints.sort()).toEqual([a!.fingerprint, b!.fingerprint].sort());
    expect((await project()).riskScore).toBe(before.riskScore);

    await request(h.app)
      .patch(api(`/mitigations/${block.id}`))
      .send({ status: "done" })
      .expect(200);
    const closed = before.riskScore - a!.score - b!.score;
    expect((await project()).riskScore).toBe(closed);
    expect(await lastTrendRisk()).toBe(closed);
    const listed = (await threats()).find((t) => t.fingerprint === a!.fingerprint)!;
    expect(listed.mitigatedByControls).toBe(true);
    expect(listed.mitigations).toEqual([{ id: block.id, title: block.title, status: "done" }]);

    // A second mitigation still to do on one of them reopens that one; won't-do does not.
    const review = (await create({ title: "Review bucket policy", fingerprints: [a!.fingerprint] }).expect(201))
      .body as Mitigation;
    expect((await project()).riskScore).toBe(closed + a!.score);
    await request(h.app)
      .patch(api(`/mitigations/${review.id}`))
      .send({ status: "wont_do" })
      .expect(200);
    expect((await project()).riskScore).toBe(closed);

    // Unlinking a threat puts it back.
    await request(h.app)
      .patch(api(`/mitigations/${block.id}`))
      .send({ fingerprints: [a!.fingerprint] })
      .expect(200);
    expect((await project()).riskScore).toBe(closed + b!.score);

    const all = ((await request(h.app).get(api("/mitigations")).expect(200)).body as { items: Mitigation[] }).items;
    expect(all.map((m) => m.id)).toEqual([block.id, review.id]);
    await request(h.app)
      .patch(api(`/mitigations/${block.id}`))
      .set("Authorization", `Bearer ${viewerToken}`)
      .send({ status: "identified" })
      .expect(403);
    await request(h.app)
      .delete(api(`/mitigations/${block.id}`))
      .expect(204);
    await request(h.app)
      .delete(api(`/mitigations/${review.id}`))
      .expect(204);
    expect((await project()).riskScore).toBe(before.riskScore);
    const gone = await request(h.app)
      .patch(api(`/mitigations/${block.id}`))
      .send({ status: "done" })
      .expect(404);
    expect(gone.body.error.code).toBe("mitigation/not-found");
  });

  it("records assumptions, optionally about threats", async () => {
    const [a] = await threats();
    const made = (
      await request(h.app)
        .post(api("/assumptions"))
        .send({ text: "The bucket only ever holds public marketing assets.", fingerprints: [a!.fingerprint] })
        .expect(201)
    ).body as { id: string; fingerprints: string[] };
    expect(made.fingerprints).toEqual([a!.fingerprint]);
    await request(h.app)
      .patch(api(`/assumptions/${made.id}`))
      .send({ text: "Only public assets." })
      .expect(200);
    const items = ((await request(h.app).get(api("/assumptions")).expect(200)).body as { items: unknown[] }).items;
    expect(items).toMatchObject([{ id: made.id, text: "Only public assets.", fingerprints: [a!.fingerprint] }]);
    await request(h.app).post(api("/assumptions")).send({ text: "  " }).expect(400);
    await request(h.app)
      .delete(api(`/assumptions/${made.id}`))
      .expect(204);
    await request(h.app)
      .delete(api(`/assumptions/${made.id}`))
      .expect(404);
  });

  it("sorts threats by title without regard to case, on the server, both ways", async () => {
    const titles = ["banana queue is open", "apple gateway logs tokens", "Cherry store is public", "Banana api key"];
    const made: string[] = [];
    for (const title of titles)
      made.push(
        (
          (
            await request(h.app)
              .post(api("/threats"))
              .send({ category: "Tampering", severity: "low", title, resource: { id: "X", type: "process" } })
              .expect(201)
          ).body as CurrentThreatDto
        ).fingerprint,
      );
    const sorted = async (order: "asc" | "desc") =>
      (await threats(`&source=manual&sort=title&order=${order}`)).map((t) => t.title);
    // A byte-wise (case-sensitive) order would put "Banana" and "Cherry" before every lower-case title.
    expect(await sorted("asc")).toEqual([
      "apple gateway logs tokens",
      "Banana api key",
      "banana queue is open",
      "Cherry store is public",
    ]);
    expect(await sorted("desc")).toEqual([
      "Cherry store is public",
      "banana queue is open",
      "Banana api key",
      "apple gateway logs tokens",
    ]);
    // The key follows a title written straight to the table (a re-analysis rewrites rows, never the key).
    await h.database.db.threat.updateMany({
      where: { fingerprint: made[2]! },
      data: { title: "aardvark store is public" },
    });
    expect((await sorted("asc"))[0]).toBe("aardvark store is public");
    for (const fp of made)
      await request(h.app)
        .delete(api(`/threats/${fp}`))
        .expect(204);
  });
});
