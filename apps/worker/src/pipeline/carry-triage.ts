import { ContributingRuleSchema, type Threat } from "@threatline/domain";
import type { Db, Prisma } from "@threatline/db";

/**
 * Triage recorded on a threat that is now merged into another (one weakness reported by several rules, or a
 * combination threat standing for its parts) moves to the surviving threat, so a decision is not lost when the
 * engine stops repeating a weakness. The survivor's own decision wins; absorbed threats whose decisions disagree
 * carry none (a reviewer decides again). The old rows stay: if the threats separate again, each keeps its own.
 * Returns the number of decisions carried.
 */
export async function carryTriage(
  tx: Prisma.TransactionClient,
  projectId: string,
  threats: ReadonlyArray<Pick<Threat, "fingerprint" | "contributingRules">>,
): Promise<number> {
  const survivorOf = new Map<string, string>();
  for (const t of threats) {
    for (const c of t.contributingRules ?? [])
      if (c.fingerprint !== t.fingerprint) survivorOf.set(c.fingerprint, t.fingerprint);
  }
  if (survivorOf.size === 0) return 0;
  const survivors = [...new Set(survivorOf.values())];
  const [absorbed, own] = await Promise.all([
    tx.triage.findMany({ where: { projectId, fingerprint: { in: [...survivorOf.keys()] } } }),
    tx.triage.findMany({ where: { projectId, fingerprint: { in: survivors } }, select: { fingerprint: true } }),
  ]);
  const decided = new Set(own.map((r) => r.fingerprint));
  const bySurvivor = new Map<string, typeof absorbed>();
  for (const row of absorbed) {
    const to = survivorOf.get(row.fingerprint)!;
    bySurvivor.set(to, [...(bySurvivor.get(to) ?? []), row]);
  }
  let carried = 0;
  for (const [to, rows] of bySurvivor) {
    if (decided.has(to) || new Set(rows.map((r) => r.status)).size !== 1) continue;
    const latest = rows.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
    await tx.triage.create({
      data: {
        projectId,
        fingerprint: to,
        status: latest.status,
        owner: latest.owner,
        expiresAt: latest.expiresAt,
        note: latest.note,
        updatedById: latest.updatedById,
      },
    });
    carried += 1;
  }
  return carried;
}

/**
 * One-off backfill for decisions recorded before the engine merged overlapping threats: for every project, the
 * current analyses' merged threats carry their absorbed threats' triage as a new persist would. Idempotent (a
 * survivor that has a decision keeps it). Returns the decisions carried per project id, for projects with any.
 */
export async function carryExistingTriage(db: Db): Promise<Map<string, number>> {
  const carried = new Map<string, number>();
  const projects = await db.project.findMany({ select: { id: true } });
  for (const { id: projectId } of projects) {
    const rows = await db.threat.findMany({
      where: { projectId, analysis: { currentOf: { some: {} } }, NOT: { contributingRules: { equals: [] } } },
      select: { fingerprint: true, contributingRules: true },
    });
    if (rows.length === 0) continue;
    const threats = rows.map((r) => ({
      fingerprint: r.fingerprint,
      contributingRules: ContributingRuleSchema.array().catch([]).parse(r.contributingRules),
    }));
    const n = await db.$transaction((tx) => carryTriage(tx, projectId, threats));
    if (n > 0) carried.set(projectId, n);
  }
  return carried;
}
