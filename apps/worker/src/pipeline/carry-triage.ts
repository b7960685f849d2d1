import type { Threat } from "@threatline/domain";
import type { Prisma } from "@threatline/db";

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
  threats: readonly Threat[],
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
