import { randomUUID } from "node:crypto";
import {
  AppError,
  MANUAL_RATINGS,
  type Assumption,
  type AssumptionInput,
  type ManualThreatInput,
  type Mitigation,
  type MitigationInput,
  type MitigationPatch,
  type ThreatEditInput,
  type Threat,
} from "@threatline/domain";
import { refreshProjectRisk, type Db, type Prisma } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { toThreat } from "./analyses.service.ts";
import { getProjectFor } from "./projects.service.ts";

type Tx = Prisma.TransactionClient;

/**
 * The threat model people shape on top of what the engine found: threats written by hand, edits of generated
 * threats (by fingerprint), mitigations and assumptions. Every change that can move the risk recomputes it in
 * the same transaction, so the risk figures and their trend follow at once.
 */

/** Runs a change to a project's threat model: editor role, one transaction, one audit event, the risk refreshed. */
async function change<T>(
  db: Db,
  actor: Actor,
  projectId: string,
  action: string,
  work: (tx: Tx) => Promise<{ result: T; targetId: string; details?: Record<string, unknown> }>,
  refreshRisk = true,
): Promise<T> {
  const project = await getProjectFor(db, actor, projectId, "editor");
  return db.$transaction(
    async (tx) => {
      const { result, targetId, details = {} } = await work(tx);
      await tx.auditEvent.create({
        data: {
          actorUserId: actor.userId,
          actorTokenId: actor.tokenId,
          teamId: project.teamId,
          action,
          targetType: action.split(".")[0] ?? "threat",
          targetId,
          details: { projectId, ...details },
          ip: actor.ip ?? null,
        },
      });
      if (refreshRisk) await refreshProjectRisk(tx, projectId, null);
      return result;
    },
    { timeout: 30_000 },
  );
}

const threatNotFound = (fingerprint: string) =>
  new AppError("threat/not-found", `No threat with fingerprint ${fingerprint} in this project.`);

/** Fails unless every fingerprint names a threat the project has (in any analysis, or written by hand). */
async function requireFingerprints(tx: Tx | Db, projectId: string, fingerprints: readonly string[]): Promise<void> {
  const unique = [...new Set(fingerprints)];
  if (unique.length === 0) return;
  const known = await tx.threat.findMany({
    where: { projectId, fingerprint: { in: unique } },
    distinct: ["fingerprint"],
    select: { fingerprint: true },
  });
  const have = new Set(known.map((k) => k.fingerprint));
  const missing = unique.find((fp) => !have.has(fp));
  if (missing) throw threatNotFound(missing);
}

/** Adds a threat by hand. It has no analysis and stays current until deleted; its fingerprint is `manual-<id>`. */
export async function createManualThreat(
  db: Db,
  actor: Actor,
  projectId: string,
  input: ManualThreatInput,
): Promise<Threat & { id: string }> {
  return change(db, actor, projectId, "threat.create", async (tx) => {
    const { likelihood, impact } = MANUAL_RATINGS[input.severity];
    const row = await tx.threat.create({
      data: {
        projectId,
        analysisId: null,
        fingerprint: `manual-${randomUUID()}`,
        ruleId: null,
        category: input.category,
        title: input.title,
        description: input.description,
        severity: input.severity,
        likelihood,
        impact,
        score: likelihood * impact,
        resources: input.resource
          ? [{ id: input.resource.id, type: input.resource.type, file: input.resource.file, line: null }]
          : [],
        evidence: [],
        remediations: [],
        references: { cwe: [], capec: [], attack: [] },
        source: "manual",
        createdById: actor.userId,
      },
    });
    return {
      result: { ...toThreat(row), id: row.id },
      targetId: row.fingerprint,
      details: { severity: input.severity },
    };
  });
}

/**
 * Edits a threat's title, description or severity. A manual threat is changed in place; a generated one keeps
 * its rows (the original, shown beside the edit) and the edit is kept by fingerprint, so it applies to every
 * later analysis that finds the same threat. `null` restores the engine's value.
 */
export async function editThreat(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprint: string,
  input: ThreatEditInput,
): Promise<{ fingerprint: string }> {
  return change(db, actor, projectId, "threat.edit", async (tx) => {
    const manual = await tx.threat.findFirst({ where: { projectId, fingerprint, analysisId: null } });
    if (manual) {
      if (input.title === null || input.description === null || input.severity === null)
        throw new AppError("request/invalid", "A threat written by hand has no engine value to restore.");
      const rating = input.severity ? MANUAL_RATINGS[input.severity] : null;
      await tx.threat.update({
        where: { id: manual.id },
        data: {
          ...(input.title !== undefined ? { title: input.title } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.severity && rating
            ? { severity: input.severity, ...rating, score: rating.likelihood * rating.impact }
            : {}),
        },
      });
    } else {
      await requireFingerprints(tx, projectId, [fingerprint]);
      const data = { ...input, updatedById: actor.userId };
      const edit = await tx.threatEdit.upsert({
        where: { projectId_fingerprint: { projectId, fingerprint } },
        create: { projectId, fingerprint, ...data },
        update: data,
      });
      // An edit with nothing left in it is the original again.
      if (edit.title === null && edit.description === null && edit.severity === null)
        await tx.threatEdit.delete({ where: { projectId_fingerprint: { projectId, fingerprint } } });
    }
    return { result: { fingerprint }, targetId: fingerprint, details: { fields: Object.keys(input) } };
  });
}

/** Deletes a threat written by hand (generated threats are triaged, not deleted). */
export async function deleteManualThreat(db: Db, actor: Actor, projectId: string, fingerprint: string): Promise<void> {
  await change(db, actor, projectId, "threat.delete", async (tx) => {
    const manual = await tx.threat.findFirst({ where: { projectId, fingerprint, analysisId: null } });
    if (!manual) {
      await requireFingerprints(tx, projectId, [fingerprint]);
      throw new AppError(
        "threat/not-manual",
        "Only a threat written by hand can be deleted; triage a generated one (false positive) instead.",
      );
    }
    await tx.threat.delete({ where: { id: manual.id } });
    await tx.mitigationThreat.deleteMany({ where: { projectId, fingerprint } });
    return { result: undefined, targetId: fingerprint };
  });
}

const mitigationInclude = { threats: { select: { fingerprint: true }, orderBy: { fingerprint: "asc" } } } as const;
type MitigationRow = Prisma.MitigationGetPayload<{ include: typeof mitigationInclude }>;

function toMitigation(m: MitigationRow): Mitigation {
  return {
    id: m.id,
    title: m.title,
    description: m.description,
    status: m.status,
    owner: m.owner,
    ticketUrl: m.ticketUrl,
    fingerprints: m.threats.map((t) => t.fingerprint),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** Every mitigation of a project, oldest first (the order people wrote them in). */
export async function listMitigations(db: Db, actor: Actor, projectId: string): Promise<Mitigation[]> {
  await getProjectFor(db, actor, projectId);
  return (await mitigationsOf(db, projectId)).map(toMitigation);
}

/** A project's mitigations (no access check: for services that already made one, like exports). */
export function mitigationsOf(db: Db | Tx, projectId: string): Promise<MitigationRow[]> {
  return db.mitigation.findMany({ where: { projectId }, include: mitigationInclude, orderBy: { createdAt: "asc" } });
}

const mitigationNotFound = () => new AppError("mitigation/not-found", "No such mitigation in this project.");

export async function createMitigation(
  db: Db,
  actor: Actor,
  projectId: string,
  input: MitigationInput,
): Promise<Mitigation> {
  return change(db, actor, projectId, "mitigation.create", async (tx) => {
    await requireFingerprints(tx, projectId, input.fingerprints);
    const row = await tx.mitigation.create({
      data: {
        projectId,
        title: input.title,
        description: input.description,
        status: input.status,
        owner: input.owner || null,
        ticketUrl: input.ticketUrl ?? null,
        createdById: actor.userId,
        threats: { create: [...new Set(input.fingerprints)].map((fingerprint) => ({ projectId, fingerprint })) },
      },
      include: mitigationInclude,
    });
    return { result: toMitigation(row), targetId: row.id, details: { status: row.status } };
  });
}

export async function updateMitigation(
  db: Db,
  actor: Actor,
  projectId: string,
  id: string,
  patch: MitigationPatch,
): Promise<Mitigation> {
  return change(db, actor, projectId, "mitigation.update", async (tx) => {
    const existing = await tx.mitigation.findFirst({ where: { id, projectId } });
    if (!existing) throw mitigationNotFound();
    if (patch.fingerprints) {
      await requireFingerprints(tx, projectId, patch.fingerprints);
      await tx.mitigationThreat.deleteMany({ where: { mitigationId: id } });
      await tx.mitigationThreat.createMany({
        data: [...new Set(patch.fingerprints)].map((fingerprint) => ({ mitigationId: id, projectId, fingerprint })),
      });
    }
    const row = await tx.mitigation.update({
      where: { id },
      data: {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.owner !== undefined ? { owner: patch.owner || null } : {}),
        ...(patch.ticketUrl !== undefined ? { ticketUrl: patch.ticketUrl } : {}),
      },
      include: mitigationInclude,
    });
    return { result: toMitigation(row), targetId: id, details: { fields: Object.keys(patch), status: row.status } };
  });
}

export async function deleteMitigation(db: Db, actor: Actor, projectId: string, id: string): Promise<void> {
  await change(db, actor, projectId, "mitigation.delete", async (tx) => {
    const { count } = await tx.mitigation.deleteMany({ where: { id, projectId } });
    if (count === 0) throw mitigationNotFound();
    return { result: undefined, targetId: id };
  });
}

function toAssumption(a: {
  id: string;
  text: string;
  fingerprints: string[];
  createdAt: Date;
  updatedAt: Date;
}): Assumption {
  return {
    id: a.id,
    text: a.text,
    fingerprints: a.fingerprints,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export async function listAssumptions(db: Db, actor: Actor, projectId: string): Promise<Assumption[]> {
  await getProjectFor(db, actor, projectId);
  const rows = await db.assumption.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } });
  return rows.map(toAssumption);
}

const assumptionNotFound = () => new AppError("assumption/not-found", "No such assumption in this project.");

/** Assumptions do not move the risk: no refresh. */
export async function saveAssumption(
  db: Db,
  actor: Actor,
  projectId: string,
  id: string | null,
  input: Partial<AssumptionInput>,
): Promise<Assumption> {
  return change(
    db,
    actor,
    projectId,
    id ? "assumption.update" : "assumption.create",
    async (tx) => {
      if (input.fingerprints) await requireFingerprints(tx, projectId, input.fingerprints);
      const fingerprints = input.fingerprints ? [...new Set(input.fingerprints)] : undefined;
      let row;
      if (id) {
        const existing = await tx.assumption.findFirst({ where: { id, projectId } });
        if (!existing) throw assumptionNotFound();
        row = await tx.assumption.update({ where: { id }, data: { text: input.text, fingerprints } });
      } else {
        row = await tx.assumption.create({
          data: { projectId, text: input.text ?? "", fingerprints: fingerprints ?? [], createdById: actor.userId },
        });
      }
      return { result: toAssumption(row), targetId: row.id };
    },
    false,
  );
}

export async function deleteAssumption(db: Db, actor: Actor, projectId: string, id: string): Promise<void> {
  await change(
    db,
    actor,
    projectId,
    "assumption.delete",
    async (tx) => {
      const { count } = await tx.assumption.deleteMany({ where: { id, projectId } });
      if (count === 0) throw assumptionNotFound();
      return { result: undefined, targetId: id };
    },
    false,
  );
}
