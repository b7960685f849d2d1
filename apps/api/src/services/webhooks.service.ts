import { randomBytes, randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import {
  AppError,
  daysLeft,
  type ExpiringAcceptanceDto,
  type PersonRef,
  type WebhookDeliveryDto,
  type WebhookDto,
  type WebhookEvent,
  type WebhookInput,
  type WebhookPatch,
} from "@threatline/domain";
import type { Db, Webhook } from "@threatline/db";
import { enqueue, webhookUrlProblem } from "@threatline/queue";
import { readableTeams, requireRole, type Actor } from "../auth/context.ts";
import { audit } from "./audit.service.ts";
import { currentAnalyses } from "./templates.service.ts";

/**
 * A team's outgoing webhooks (issue #22): registered by the team's admins, told about expiring acceptances, new
 * critical threats and assignments. The API records and enqueues; the worker delivers, signs, retries and logs.
 */

const teamNotFound = () => new AppError("request/not-found", "No such team.");
const webhookNotFound = () => new AppError("webhook/not-found", "No such webhook in this team.");

function requireTeamAdmin(actor: Actor, teamId: string): void {
  if (actor.isAdmin && actor.teams.has(teamId)) return;
  requireRole(actor, teamId, "admin", teamNotFound());
}

function toWebhookDto(w: Webhook, withSecret: boolean): WebhookDto {
  return {
    id: w.id,
    teamId: w.teamId,
    name: w.name,
    url: w.url,
    events: w.events as WebhookEvent[],
    expiringDays: w.expiringDays,
    enabled: w.enabled,
    ...(withSecret ? { secret: w.secret } : {}),
    createdAt: w.createdAt.toISOString(),
  };
}

function checkUrl(url: string, allowPrivate: boolean): void {
  const problem = webhookUrlProblem(url, allowPrivate);
  if (problem)
    throw new AppError(
      "webhook/blocked-address",
      `This webhook URL cannot be called: ${problem}. Webhooks go to public addresses unless the server allows private ones (WEBHOOK_ALLOW_PRIVATE).`,
    );
}

/** A team's webhooks with their secrets (team admins only). */
export async function listWebhooks(db: Db, actor: Actor, teamId: string): Promise<WebhookDto[]> {
  requireTeamAdmin(actor, teamId);
  const rows = await db.webhook.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } });
  return rows.map((w) => toWebhookDto(w, true));
}

export async function createWebhook(
  db: Db,
  actor: Actor,
  teamId: string,
  input: WebhookInput,
  allowPrivate: boolean,
): Promise<WebhookDto> {
  requireTeamAdmin(actor, teamId);
  checkUrl(input.url, allowPrivate);
  const row = await db.webhook.create({
    data: {
      teamId,
      name: input.name,
      url: input.url,
      secret: `whsec_${randomBytes(24).toString("base64url")}`,
      events: [...new Set(input.events)],
      expiringDays: input.expiringDays,
      enabled: input.enabled,
      createdById: actor.userId,
    },
  });
  await audit({ db, actor }, "webhook.create", { type: "webhook", id: row.id, teamId }, { events: row.events });
  return toWebhookDto(row, true);
}

async function ownWebhook(db: Db, actor: Actor, teamId: string, id: string): Promise<Webhook> {
  requireTeamAdmin(actor, teamId);
  const row = await db.webhook.findFirst({ where: { id, teamId } });
  if (!row) throw webhookNotFound();
  return row;
}

export async function updateWebhook(
  db: Db,
  actor: Actor,
  teamId: string,
  id: string,
  patch: WebhookPatch,
  allowPrivate: boolean,
): Promise<WebhookDto> {
  await ownWebhook(db, actor, teamId, id);
  if (patch.url !== undefined) checkUrl(patch.url, allowPrivate);
  const row = await db.webhook.update({
    where: { id },
    data: { ...patch, ...(patch.events ? { events: [...new Set(patch.events)] } : {}) },
  });
  await audit({ db, actor }, "webhook.update", { type: "webhook", id, teamId }, { fields: Object.keys(patch) });
  return toWebhookDto(row, true);
}

export async function deleteWebhook(db: Db, actor: Actor, teamId: string, id: string): Promise<void> {
  await ownWebhook(db, actor, teamId, id);
  await db.webhook.delete({ where: { id } });
  await audit({ db, actor }, "webhook.delete", { type: "webhook", id, teamId });
}

/** Queues a `webhook.test` delivery to this webhook; it shows in the delivery log once the worker sends it. */
export async function testWebhook(db: Db, queue: Queue, actor: Actor, teamId: string, id: string): Promise<void> {
  await ownWebhook(db, actor, teamId, id);
  await enqueue(queue, "webhook-event", { type: "webhook.test", webhookId: id }, `webhook-test-${randomUUID()}`);
  await audit({ db, actor }, "webhook.test", { type: "webhook", id, teamId });
}

/** The newest deliveries of a webhook, each with every attempt (the delivery log). */
export async function listDeliveries(
  db: Db,
  actor: Actor,
  teamId: string,
  id: string,
  limit = 50,
): Promise<WebhookDeliveryDto[]> {
  await ownWebhook(db, actor, teamId, id);
  const rows = await db.webhookDelivery.findMany({
    where: { webhookId: id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { attempts: { orderBy: { attempt: "asc" } } },
  });
  return rows.map((d) => ({
    id: d.id,
    event: d.event as WebhookDeliveryDto["event"],
    status: d.status as WebhookDeliveryDto["status"],
    createdAt: d.createdAt.toISOString(),
    attempts: d.attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      error: a.error,
    })),
  }));
}

/** Tells the team's webhooks that someone was made a threat's assignee (the worker finds who subscribes). */
export async function notifyAssigned(
  queue: Queue,
  projectId: string,
  fingerprint: string,
  assignee: PersonRef,
): Promise<void> {
  await enqueue(
    queue,
    "webhook-event",
    { type: "threat.assigned", projectId, fingerprint, assigneeId: assignee.id },
    `webhook-assigned-${randomUUID()}`,
  );
}

/**
 * Acceptances of the caller's projects that expire within `days` (the dashboard's "expiring soon"), soonest
 * first, for threats that are current (in a project's latest analyses, or written by hand).
 */
export async function expiringAcceptances(
  db: Db,
  actor: Actor,
  days: number,
  now = new Date(),
): Promise<ExpiringAcceptanceDto[]> {
  const horizon = new Date(now.getTime() + days * 86_400_000);
  const triage = await db.triage.findMany({
    where: {
      status: "accepted",
      expiresAt: { gt: now, lte: horizon },
      project: { teamId: { in: readableTeams(actor) } },
    },
    include: { project: { select: { id: true, name: true } } },
    orderBy: [{ expiresAt: "asc" }, { fingerprint: "asc" }],
    take: 200,
  });
  if (triage.length === 0) return [];
  const projectIds = [...new Set(triage.map((t) => t.projectId))];
  const current = await currentAnalyses(db, projectIds);
  const pathByAnalysis = new Map(current.map((c) => [c.id, c.path]));
  const [threats, edits] = await Promise.all([
    db.threat.findMany({
      where: {
        projectId: { in: projectIds },
        fingerprint: { in: triage.map((t) => t.fingerprint) },
        OR: [{ analysisId: { in: current.map((c) => c.id) } }, { analysisId: null }],
      },
      select: { projectId: true, fingerprint: true, title: true, severity: true, score: true, analysisId: true },
    }),
    db.threatEdit.findMany({
      where: { projectId: { in: projectIds }, fingerprint: { in: triage.map((t) => t.fingerprint) } },
    }),
  ]);
  const key = (projectId: string, fp: string) => `${projectId}\u0000${fp}`;
  const threatByKey = new Map(threats.map((t) => [key(t.projectId, t.fingerprint), t]));
  const editByKey = new Map(edits.map((e) => [key(e.projectId, e.fingerprint), e]));
  const out: ExpiringAcceptanceDto[] = [];
  for (const t of triage) {
    const threat = threatByKey.get(key(t.projectId, t.fingerprint));
    if (!threat || !t.expiresAt) continue;
    const edit = editByKey.get(key(t.projectId, t.fingerprint));
    const severity = edit?.severity ?? threat.severity;
    out.push({
      projectId: t.projectId,
      projectName: t.project.name,
      fingerprint: t.fingerprint,
      title: edit?.title ?? threat.title,
      severity,
      path: threat.analysisId ? (pathByAnalysis.get(threat.analysisId) ?? "") : "",
      owner: t.owner,
      expiresAt: t.expiresAt.toISOString(),
      daysLeft: daysLeft(t.expiresAt, now),
    });
  }
  return out;
}
