import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "@threatline/engine";
import { createTestDatabase, type TestDatabase } from "../../../../test/support.ts";
import { threatRows } from "@threatline/db";
import { carryExistingTriage, carryTriage } from "./carry-triage.ts";

/** EC2-004 ("secrets in user data") and the access-key rules report one weakness: the engine merges them. */
const TEMPLATE = `Resources:
  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      UserData:
        Fn::Base64: |
          #!/bin/bash
          export AWS_ACCESS_KEY_ID=AKIAQ3EGUWXYZ7ABCDEF
          export AWS_SECRET_ACCESS_KEY=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
`;

describe("triage on a threat merged into another moves to the survivor", () => {
  let database: TestDatabase;
  let projectId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const team = await database.db.team.create({ data: { name: `carry-${Date.now()}` } });
    projectId = (await database.db.project.create({ data: { teamId: team.id, name: "p" } })).id;
  });
  afterAll(async () => database.drop());

  it("carries an agreed decision once, leaves the survivor's own and disagreeing ones alone", async () => {
    const { threats } = await analyze([{ path: "box.yaml", content: TEMPLATE }]);
    const merged = threats.find((t) => t.ruleId === "TL-AWS-EC2-004")!;
    const [keyId, secretKey] = ["TL-SECRET-002", "TL-SECRET-003"].map(
      (id) => merged.contributingRules!.find((c) => c.ruleId === id)!.fingerprint,
    );
    // Decisions an earlier engine version's separate threats received.
    await database.db.triage.createMany({
      data: [
        { projectId, fingerprint: keyId!, status: "mitigated", note: "keys rotated", owner: "ops" },
        { projectId, fingerprint: secretKey!, status: "mitigated", note: "keys rotated" },
      ],
    });

    const db = database.db;
    expect(await db.$transaction((tx) => carryTriage(tx, projectId, threats))).toBe(1);
    const row = await db.triage.findUnique({
      where: { projectId_fingerprint: { projectId, fingerprint: merged.fingerprint } },
    });
    expect(row).toMatchObject({ status: "mitigated", note: "keys rotated" });
    // The old rows stay, and a second run changes nothing (the survivor has its decision now).
    expect(await db.triage.count({ where: { projectId } })).toBe(3);
    expect(await db.$transaction((tx) => carryTriage(tx, projectId, threats))).toBe(0);

    // Disagreeing decisions are not carried.
    await db.triage.deleteMany({ where: { projectId } });
    await db.triage.createMany({
      data: [
        { projectId, fingerprint: keyId!, status: "accepted" },
        { projectId, fingerprint: secretKey!, status: "false_positive" },
      ],
    });
    expect(await db.$transaction((tx) => carryTriage(tx, projectId, threats))).toBe(0);
  });

  it("the one-off backfill carries decisions recorded before the merge to the current analyses' threats", async () => {
    const db = database.db;
    await db.triage.deleteMany({ where: { projectId } });
    const { threats } = await analyze([{ path: "box.yaml", content: TEMPLATE }]);
    const merged = threats.find((t) => t.ruleId === "TL-AWS-EC2-004")!;
    const keyId = merged.contributingRules!.find((c) => c.ruleId === "TL-SECRET-002")!.fingerprint;
    // An analysis stored by this engine, current for its template; the decision is on a fingerprint from before.
    const template = await db.template.create({ data: { projectId, path: "box.yaml" } });
    const blob = await db.blob.create({ data: { sha256: "c".repeat(64), content: TEMPLATE, size: TEMPLATE.length } });
    const version = await db.templateVersion.create({
      data: { templateId: template.id, sha256: blob.sha256 },
    });
    const analysis = await db.analysis.create({
      data: { projectId, templateVersionId: version.id, status: "succeeded", engineVersion: "test" },
    });
    await db.threat.createMany({ data: threatRows(threats, analysis.id, projectId) });
    await db.triage.create({ data: { projectId, fingerprint: keyId, status: "accepted", note: "test keys" } });
    // Not current yet: nothing to carry.
    expect((await carryExistingTriage(db)).get(projectId)).toBeUndefined();
    await db.template.update({ where: { id: template.id }, data: { currentAnalysisId: analysis.id } });
    expect((await carryExistingTriage(db)).get(projectId)).toBe(1);
    expect(
      await db.triage.findUnique({ where: { projectId_fingerprint: { projectId, fingerprint: merged.fingerprint } } }),
    ).toMatchObject({ status: "accepted", note: "test keys" });
    expect((await carryExistingTriage(db)).get(projectId)).toBeUndefined();
  });
});
