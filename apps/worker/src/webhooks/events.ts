import {
  daysLeft,
  slackEscape,
  type PersonRef,
  type WebhookDeliveryEvent,
  type WebhookEvent,
  type WebhookPayload,
  type WebhookThreat,
} from "@threatline/domain";
import { Prisma, type Db } from "@threatline/db";
import { enqueue, WEBHOOK_BACKOFF_TYPE, type JobPayload, type WebhookSettings } from "@threatline/queue";
import type { Queue } from "bullmq";

/**
 * Turns events into deliveries: finds the webhooks of the team that subscribe, records one delivery each (with
 * the payload to send) and enqueues `webhook-deliver` for it. Idempotent where an event can be seen twice (a
 * redelivered job): a critical-threat notice has a key per analysis and webhook, a reminder a row per acceptance.
 */

/** A delivery ready to be recorded; `id` and `sentAt` are filled in when it is sent. */
type Draft = Omit<WebhookPayload, "id" | "sentAt">;

export interface EventDeps {
  db: Db;
  queue: Queue;
  webhooks: WebhookSettings;
}

/** Enqueues the delivery jobs of recorded deliveries (job id = delivery id, so a second enqueue is a no-op). */
export async function enqueueDeliveries(deps: EventDeps, deliveryIds: readonly string[]): Promise<void> {
  for (const deliveryId of deliveryIds) {
    await enqueue(deps.queue, "webhook-deliver", { deliveryId }, deliveryId, {
      attempts: deps.webhooks.WEBHOOK_MAX_ATTEMPTS,
      backoff: { type: WEBHOOK_BACKOFF_TYPE },
    });
  }
}

async function record(
  db: Db | Prisma.TransactionClient,
  webhookId: string,
  event: WebhookDeliveryEvent,
  draft: Draft,
  key: string | null = null,
): Promise<string | null> {
  try {
    const row = await db.webhookDelivery.create({
      data: { webhookId, event, payload: draft as unknown as Prisma.InputJsonValue, key },
    });
    return row.id;
  } catch (error) {
    // The same event for the same webhook was recorded before: nothing to send again.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return null;
    throw error;
  }
}

function subscribers(db: Db, teamId: string, event: WebhookEvent) {
  return db.webhook.findMany({
    where: { teamId, enabled: true, events: { has: event } },
    orderBy: { createdAt: "asc" },
  });
}

/** The threats of a project by fingerprint as a payload shows them: the newest row, people's edits applied. */
export async function threatsByFingerprint(
  db: Db,
  projectId: string,
  fingerprints: readonly string[],
): Promise<Map<string, WebhookThreat>> {
  const [rows, edits] = await Promise.all([
    db.threat.findMany({
      where: { projectId, fingerprint: { in: [...fingerprints] } },
      orderBy: { createdAt: "desc" },
      select: {
        fingerprint: true,
        title: true,
        severity: true,
        ruleId: true,
        resources: true,
        analysis: { select: { templateVersion: { select: { template: { select: { path: true } } } } } },
      },
    }),
    db.threatEdit.findMany({ where: { projectId, fingerprint: { in: [...fingerprints] } } }),
  ]);
  const editByFp = new Map(edits.map((e) => [e.fingerprint, e]));
  const out = new Map<string, WebhookThreat>();
  for (const r of rows) {
    if (out.has(r.fingerprint)) continue;
    const edit = editByFp.get(r.fingerprint);
    const resources = Array.isArray(r.resources) ? (r.resources as Array<{ id?: string }>) : [];
    out.set(r.fingerprint, {
      fingerprint: r.fingerprint,
      title: edit?.title ?? r.title,
      severity: edit?.severity ?? r.severity,
      ruleId: r.ruleId,
      resource: resources[0]?.id ?? null,
      path: r.analysis?.templateVersion.template.path ?? null,
    });
  }
  return out;
}

const bullet = (t: WebhookThreat) =>
  `• ${slackEscape(t.title)}${t.resource ? ` — \`${slackEscape(t.resource)}\`` : ""}${t.ruleId ? ` (${t.ruleId})` : ""}`;

/** `webhook.test`: a delivery to one webhook, whatever it subscribes to. */
export async function testEvent(deps: EventDeps, webhookId: string): Promise<string[]> {
  const webhook = await deps.db.webhook.findUnique({ where: { id: webhookId }, include: { team: true } });
  if (!webhook) return [];
  const id = await record(deps.db, webhook.id, "webhook.test", {
    event: "webhook.test",
    text: `:white_check_mark: Test from Threatline: webhook *${slackEscape(webhook.name || webhook.url)}* of team *${slackEscape(webhook.team.name)}* is reached.`,
    team: { id: webhook.team.id, name: webhook.team.name },
  });
  return id ? [id] : [];
}

/**
 * `threat.critical.new`: the critical threats of a finished analysis that the previous finished analysis of the
 * same template did not have (all of them for a first analysis), less those already triaged away.
 */
export async function criticalNewEvent(deps: EventDeps, analysisId: string): Promise<string[]> {
  const { db } = deps;
  const analysis = await db.analysis.findUnique({
    where: { id: analysisId },
    include: { project: { include: { team: true } }, templateVersion: { include: { template: true } } },
  });
  if (!analysis || !analysis.finishedAt || !["succeeded", "partial"].includes(analysis.status)) return [];
  const hooks = await subscribers(db, analysis.project.teamId, "threat.critical.new");
  if (hooks.length === 0) return [];
  const previous = await db.analysis.findFirst({
    where: {
      id: { not: analysisId },
      status: { in: ["succeeded", "partial"] },
      finishedAt: { lt: analysis.finishedAt },
      templateVersion: { templateId: analysis.templateVersion.templateId },
    },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  const [current, before, edits, triage] = await Promise.all([
    db.threat.findMany({ where: { analysisId }, select: { fingerprint: true, severity: true } }),
    previous
      ? db.threat.findMany({ where: { analysisId: previous.id }, select: { fingerprint: true } })
      : Promise.resolve([]),
    db.threatEdit.findMany({ where: { projectId: analysis.projectId, severity: { not: null } } }),
    db.triage.findMany({ where: { projectId: analysis.projectId, status: { not: "open" } } }),
  ]);
  const editedSeverity = new Map(edits.map((e) => [e.fingerprint, e.severity]));
  const known = new Set(before.map((t) => t.fingerprint));
  const decided = new Set(triage.map((t) => t.fingerprint));
  const fresh = current
    .filter((t) => (editedSeverity.get(t.fingerprint) ?? t.severity) === "critical")
    .map((t) => t.fingerprint)
    .filter((fp) => !known.has(fp) && !decided.has(fp));
  if (fresh.length === 0) return [];
  const info = await threatsByFingerprint(db, analysis.projectId, fresh);
  const threats = fresh.map((fp) => info.get(fp)).filter((t): t is WebhookThreat => t !== undefined);
  const project = analysis.project;
  const path = analysis.templateVersion.template.path;
  const shown = threats.slice(0, 10);
  const text = [
    `:rotating_light: ${threats.length === 1 ? "A new critical threat" : `${threats.length} new critical threats`} in *${slackEscape(project.name)}* (\`${slackEscape(path)}\`)`,
    ...shown.map(bullet),
    ...(threats.length > shown.length ? [`…and ${threats.length - shown.length} more`] : []),
  ].join("\n");
  const ids: string[] = [];
  for (const hook of hooks) {
    const id = await record(
      db,
      hook.id,
      "threat.critical.new",
      {
        event: "threat.critical.new",
        text,
        team: { id: project.team.id, name: project.team.name },
        project: { id: project.id, name: project.name },
        threats,
      },
      `critical-${analysisId}-${hook.id}`,
    );
    if (id) ids.push(id);
  }
  return ids;
}

/** `threat.assigned`: someone was made a threat's assignee. */
export async function assignedEvent(
  deps: EventDeps,
  event: Extract<JobPayload<"webhook-event">, { type: "threat.assigned" }>,
): Promise<string[]> {
  const { db } = deps;
  const project = await db.project.findUnique({ where: { id: event.projectId }, include: { team: true } });
  if (!project) return [];
  const hooks = await subscribers(db, project.teamId, "threat.assigned");
  if (hooks.length === 0) return [];
  const [threat, user] = await Promise.all([
    threatsByFingerprint(db, project.id, [event.fingerprint]).then((m) => m.get(event.fingerprint)),
    db.user.findUnique({ where: { id: event.assigneeId }, select: { id: true, name: true, email: true } }),
  ]);
  if (!threat || !user) return [];
  const assignee: PersonRef = user;
  const ids: string[] = [];
  for (const hook of hooks) {
    const id = await record(db, hook.id, "threat.assigned", {
      event: "threat.assigned",
      text: `:bust_in_silhouette: *${slackEscape(user.name || user.email)}* now owns a ${threat.severity} threat in *${slackEscape(project.name)}*\n${bullet(threat)}`,
      team: { id: project.team.id, name: project.team.name },
      project: { id: project.id, name: project.name },
      threats: [threat],
      assignee,
    });
    if (id) ids.push(id);
  }
  return ids;
}

/**
 * `acceptance.expiring`: for every webhook that subscribes, the accepted threats of its team whose acceptance
 * ends within its `expiringDays` and that it was not reminded of yet (a reminder row per webhook, project,
 * fingerprint and expiry: a renewed acceptance, with a new expiry, is reminded of again). One delivery per
 * webhook and run, listing them all.
 */
export async function expiringReminders(deps: EventDeps, now: Date): Promise<string[]> {
  const { db } = deps;
  const hooks = await db.webhook.findMany({
    where: { enabled: true, events: { has: "acceptance.expiring" } },
    include: { team: true },
  });
  const ids: string[] = [];
  for (const hook of hooks) {
    const horizon = new Date(now.getTime() + hook.expiringDays * 86_400_000);
    const due = await db.triage.findMany({
      where: {
        status: "accepted",
        expiresAt: { gt: now, lte: horizon },
        project: { teamId: hook.teamId },
      },
      include: { project: { select: { id: true, name: true } } },
      orderBy: { expiresAt: "asc" },
    });
    if (due.length === 0) continue;
    const acceptances: NonNullable<WebhookPayload["acceptances"]> = [];
    for (const t of due) {
      const threat = (await threatsByFingerprint(db, t.projectId, [t.fingerprint])).get(t.fingerprint);
      if (!threat) continue;
      acceptances.push({
        project: t.project,
        threat,
        owner: t.owner,
        expiresAt: t.expiresAt!.toISOString(),
        daysLeft: daysLeft(t.expiresAt!, now),
        note: t.note,
      });
    }
    const deliveryId = await db.$transaction(async (tx) => {
      // Claim each acceptance for this webhook; one claimed before (an earlier run) is not sent again.
      const fresh: typeof acceptances = [];
      for (const a of acceptances) {
        const claimed = await tx.$executeRaw`
          INSERT INTO "WebhookReminder" ("webhookId", "projectId", fingerprint, "expiresAt", "sentAt")
          VALUES (${hook.id}::uuid, ${a.project.id}::uuid, ${a.threat.fingerprint}, ${new Date(a.expiresAt)}, now())
          ON CONFLICT DO NOTHING`;
        if (claimed > 0) fresh.push(a);
      }
      if (fresh.length === 0) return null;
      const shown = fresh.slice(0, 10);
      const text = [
        `:hourglass_flowing_sand: ${fresh.length === 1 ? "An accepted risk expires" : `${fresh.length} accepted risks expire`} within ${hook.expiringDays} day${hook.expiringDays === 1 ? "" : "s"} (team *${slackEscape(hook.team.name)}*)`,
        ...shown.map(
          (a) =>
            `• *${slackEscape(a.project.name)}*: ${slackEscape(a.threat.title)} — owner ${slackEscape(a.owner ?? "nobody")}, expires ${a.expiresAt.slice(0, 10)} (${a.daysLeft === 0 ? "today" : `${a.daysLeft} day${a.daysLeft === 1 ? "" : "s"} left`})`,
        ),
        ...(fresh.length > shown.length ? [`…and ${fresh.length - shown.length} more`] : []),
      ].join("\n");
      return record(tx, hook.id, "acceptance.expiring", {
        event: "acceptance.expiring",
        text,
        team: { id: hook.team.id, name: hook.team.name },
        acceptances: fresh,
      });
    });
    if (deliveryId) ids.push(deliveryId);
  }
  return ids;
}

/** After an analysis finished: asks for the critical-threat notice when a webhook of the team subscribes. */
export async function requestCriticalNotice(
  db: Db,
  queue: Queue,
  analysisId: string,
  projectId: string,
): Promise<void> {
  const subscribed = await db.webhook.count({
    where: { enabled: true, events: { has: "threat.critical.new" }, team: { projects: { some: { id: projectId } } } },
  });
  if (subscribed === 0) return;
  await enqueue(queue, "webhook-event", { type: "threat.critical.new", analysisId }, `webhook-critical-${analysisId}`);
}
