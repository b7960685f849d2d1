import {
  AppError,
  type TriageStatus,
  type TriageDecision,
  type TriageDto,
  type TriageResultDto,
} from "@threatline/domain";
import { refreshProjectRisk, type Db, type Triage } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { getProjectFor } from "./projects.service.ts";

function toTriageDto(
  t: Pick<Triage, "fingerprint" | "status" | "owner" | "expiresAt" | "note" | "updatedAt">,
): TriageDto {
  return {
    fingerprint: t.fingerprint,
    status: t.status,
    owner: t.owner,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    note: t.note,
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** Every triage decision of a project. */
export async function listTriage(db: Db, actor: Actor, projectId: string): Promise<TriageDto[]> {
  await getProjectFor(db, actor, projectId);
  const rows = await db.triage.findMany({ where: { projectId }, orderBy: { updatedAt: "desc" } });
  return rows.map(toTriageDto);
}

/**
 * Records one decision for many fingerprints of a project and recomputes the project's risk in the same
 * transaction, so the risk and its trend never disagree with the decisions. Decisions hang on the
 * fingerprint, not on a run: they apply to every later analysis that finds the same threat.
 */
export async function decideTriage(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprints: string[],
  decision: TriageDecision,
  now = new Date(),
): Promise<TriageResultDto> {
  const project = await getProjectFor(db, actor, projectId, "editor");
  const unique = [...new Set(fingerprints)];
  const known = await db.threat.findMany({
    where: { projectId, fingerprint: { in: unique } },
    distinct: ["fingerprint"],
    select: { fingerprint: true },
  });
  const knownSet = new Set(known.map((k) => k.fingerprint));
  const missing = unique.filter((fp) => !knownSet.has(fp));
  if (missing.length > 0) {
    throw new AppError("threat/not-found", `No threat with fingerprint ${missing[0]} in this project.`, { missing });
  }
  const expiresAt = decision.status === "accepted" && decision.expiresAt ? new Date(decision.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new AppError("triage/invalid", "An acceptance must expire in the future.");
  }
  const data = {
    status: decision.status,
    owner: decision.status === "accepted" ? (decision.owner ?? null) : decision.owner || null,
    expiresAt,
    note: decision.note,
    updatedById: actor.userId,
  };
  return db.$transaction(
    async (tx) => {
      // One statement for the whole selection: a bulk decision over thousands of threats stays one round trip.
      const rows = await tx.$queryRaw<
        Array<{
          fingerprint: string;
          status: TriageStatus;
          owner: string | null;
          expiresAt: Date | null;
          note: string;
          updatedAt: Date;
        }>
      >`
        INSERT INTO "Triage" (id, "projectId", fingerprint, status, owner, "expiresAt", note, "updatedById", "updatedAt")
        SELECT gen_random_uuid(), ${projectId}::uuid, fp, ${data.status}::"TriageStatus", ${data.owner}, ${data.expiresAt}, ${data.note}, ${data.updatedById}::uuid, now()
        FROM unnest(${unique}::text[]) AS fp
        ON CONFLICT ("projectId", fingerprint) DO UPDATE SET
          status = EXCLUDED.status, owner = EXCLUDED.owner, "expiresAt" = EXCLUDED."expiresAt", note = EXCLUDED.note,
          "updatedById" = EXCLUDED."updatedById", "updatedAt" = now()
        RETURNING fingerprint, status::text AS status, owner, "expiresAt", note, "updatedAt"`;
      await tx.auditEvent.create({
        data: {
          actorUserId: actor.userId,
          actorTokenId: actor.tokenId,
          teamId: project.teamId,
          action: "triage.decide",
          targetType: "project",
          targetId: projectId,
          details: { status: decision.status, count: unique.length, fingerprints: unique.slice(0, 50) },
        },
      });
      const risk = await refreshProjectRisk(tx, projectId, null);
      return { updated: rows.map(toTriageDto), project: { riskScore: risk.riskScore, threatCount: risk.threatCount } };
    },
    { timeout: 30_000 },
  );
}
