import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isFinalStatus,
  type BatchDto,
  type ProjectDto,
  type SubmissionResult,
  type TemplateSummary,
  type ThreatDiffDto,
} from "@threatline/domain";
import { createHarness, type Harness } from "./harness.ts";
import { TF_PUBLIC_DB } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";

const TF_PRIVATE_DB = TF_PUBLIC_DB.replace("publicly_accessible = true", "publicly_accessible = false");

/** Two versions of one template compared: threats new, resolved, changed (severity or score) and unchanged. */
describe("version diff", () => {
  let h: Harness;
  let projectId: string;

  async function submit(content: string): Promise<SubmissionResult> {
    const res = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files: [{ path: "infra/db.tf", content }] })
      .expect(202);
    const result = res.body as SubmissionResult;
    await waitFor(
      async () => {
        const batch = (await request(h.app).get(`/api/v1/batches/${result.batchId}`)).body as BatchDto;
        return batch.analyses.every((a) => isFinalStatus(a.status)) ? batch : undefined;
      },
      60_000,
      "batch to finish",
    );
    return result;
  }

  beforeAll(async () => {
    h = await createHarness();
    h.startWorker();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "ledger" }).expect(201)).body as ProjectDto
    ).id;
    await submit(TF_PUBLIC_DB);
    await submit(TF_PRIVATE_DB);
  });
  afterAll(async () => {
    await h.close();
  });

  const versions = async () => {
    const { items } = (await request(h.app).get(`/api/v1/projects/${projectId}/templates`).expect(200)).body as {
      items: TemplateSummary[];
    };
    return items.find((t) => t.path === "infra/db.tf")!.versions;
  };
  const diff = async (from: string, to: string) =>
    (await request(h.app).get(`/api/v1/projects/${projectId}/diff?from=${from}&to=${to}`).expect(200))
      .body as ThreatDiffDto;

  it("shows each version's threat count and risk, from its finished analysis", async () => {
    const [newest, oldest] = await versions();
    for (const v of [newest!, oldest!]) {
      const analysis = await h.database.db.analysis.findFirstOrThrow({ where: { templateVersionId: v.id } });
      expect(v.threatCount).toBe(analysis.threatCount);
      expect(v.riskScore).toBe(analysis.riskScore);
      expect(v.threatCount).toBeGreaterThan(0);
    }
    // Closing the database to the internet lowers the risk.
    expect(newest!.riskScore!).toBeLessThan(oldest!.riskScore!);
  });

  it("calls a threat whose severity or score moved 'changed', with both sides, and gives the risk before and after", async () => {
    const [newest, oldest] = await versions();
    const d = await diff(oldest!.id, newest!.id);
    const changed = new Map(d.changed.map((c) => [c.after.ruleId, c]));
    // Logs not exported: medium → low once the database is private (same fingerprint, new severity).
    expect(changed.get("TL-AWS-RDS-008")?.before.severity).toBe("medium");
    expect(changed.get("TL-AWS-RDS-008")?.after.severity).toBe("low");
    // A password in the template stays critical, but its score drops: still a change.
    const password = changed.get("TL-AWS-RDS-010")!;
    expect(password.before.severity).toBe(password.after.severity);
    expect(password.after.score).toBeLessThan(password.before.score);
    for (const c of d.changed) expect(c.before.fingerprint).toBe(c.after.fingerprint);

    const unchangedFps = new Set(d.unchanged.map((t) => t.fingerprint));
    expect(d.changed.some((c) => unchangedFps.has(c.after.fingerprint))).toBe(false);
    const sum = (ts: Array<{ score: number }>) => ts.reduce((s, t) => s + t.score, 0);
    expect(d.risk.before).toBe(oldest!.riskScore);
    expect(d.risk.after).toBe(newest!.riskScore);
    expect(d.risk.after).toBe(sum([...d.new, ...d.unchanged, ...d.changed.map((c) => c.after)]));
    expect(d.risk.before).toBe(sum([...d.resolved, ...d.unchanged, ...d.changed.map((c) => c.before)]));
    expect(d.risk.openAfter).toBe(d.risk.after);
  });

  it("puts the template text diff beside the threat diff", async () => {
    const [newest, oldest] = await versions();
    const d = await diff(oldest!.id, newest!.id);
    expect(d.text).toMatchObject({ computed: true, added: 1, removed: 1, truncated: false });
    const lines = d.text.hunks.flatMap((h) => h.lines);
    expect(lines).toContain("-  publicly_accessible = true");
    expect(lines).toContain("+  publicly_accessible = false");
    expect(d.text.hunks[0]!.oldStart).toBeGreaterThan(1);

    // The same version against itself: nothing moved.
    const same = await diff(newest!.id, newest!.id);
    expect(same.changed).toEqual([]);
    expect(same.new).toEqual([]);
    expect(same.text).toMatchObject({ computed: true, hunks: [] });
  });

  it("counts triage in the open risk, not in the raw risk", async () => {
    const [newest, oldest] = await versions();
    const before = await diff(oldest!.id, newest!.id);
    const top = before.unchanged[0] ?? before.changed[0]!.after;
    await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${top.fingerprint}`)
      .send({ status: "mitigated" })
      .expect(200);
    const after = await diff(oldest!.id, newest!.id);
    expect(after.risk.after).toBe(before.risk.after);
    expect(after.risk.openAfter).toBe(before.risk.after - top.score);
  });

  it("masks secret values in the text diff as the evidence view does, and still shows a changed secret's line", async () => {
    const [newest, oldest] = await versions();
    const d = await diff(oldest!.id, newest!.id);
    // The password is a context line of the publicly_accessible change.
    expect(JSON.stringify(d.text)).not.toContain("hunter2hunter2");
    expect(d.text.hunks.flatMap((h) => h.lines)).toContain('   password            = "••••••••"');

    await submit(TF_PRIVATE_DB.replace("hunter2hunter2", "correct-horse-battery"));
    const [rotated] = await versions();
    const r = await diff(newest!.id, rotated!.id);
    expect(r.text).toMatchObject({ computed: true, added: 1, removed: 1 });
    const lines = r.text.hunks.flatMap((h) => h.lines);
    expect(JSON.stringify(r.text)).not.toMatch(/hunter2hunter2|correct-horse-battery/);
    expect(lines).toContain('-  password            = "••••••••"');
    expect(lines).toContain('+  password            = "••••••••"');
    expect(lines).toContain("   publicly_accessible = false");
  });
});
