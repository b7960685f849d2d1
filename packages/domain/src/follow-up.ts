import { z } from "zod";
import type { Severity } from "./severity.ts";
import { TicketUrlSchema } from "./threat-model.ts";

/**
 * Ownership and follow-up of threats (issue #22 item 2): an assignee, a ticket link and comments on a threat,
 * kept by fingerprint so they outlive re-analysis; and a team's outgoing webhooks with their delivery log.
 */

/** A person as a threat list shows them. */
export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

/** `PATCH /projects/:id/threats/:fingerprint/follow-up`: `null` clears a field, an absent key keeps it. */
export const ThreatFollowUpPatchSchema = z
  .object({
    /** A member of the project's team. */
    assigneeId: z.uuid().nullable(),
    ticketUrl: TicketUrlSchema,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "name assigneeId or ticketUrl" });
export type ThreatFollowUpPatch = z.infer<typeof ThreatFollowUpPatchSchema>;

export interface ThreatFollowUpDto {
  fingerprint: string;
  assignee: PersonRef | null;
  ticketUrl: string | null;
  updatedAt: string | null;
}

export const ThreatCommentInputSchema = z.object({ body: z.string().trim().min(1).max(4000) });
export type ThreatCommentInput = z.infer<typeof ThreatCommentInputSchema>;

export interface ThreatCommentDto {
  id: string;
  fingerprint: string;
  /** Null when the author's account was deleted. */
  author: PersonRef | null;
  body: string;
  createdAt: string;
}

/** What a webhook can be told about. */
export const WEBHOOK_EVENTS = ["acceptance.expiring", "threat.critical.new", "threat.assigned"] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
/** `webhook.test` is sent by the Send test button only; it cannot be subscribed to. */
export type WebhookDeliveryEvent = WebhookEvent | "webhook.test";

export const WEBHOOK_DEFAULT_EXPIRING_DAYS = 7;

const WebhookUrlSchema = z.url({ protocol: /^https?$/, message: "a webhook URL is an http(s) URL" }).max(2000);

export const WebhookInputSchema = z.object({
  name: z.string().trim().max(200).default(""),
  url: WebhookUrlSchema,
  events: z.array(WebhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
  /** acceptance.expiring: remind this many days before the acceptance expires. */
  expiringDays: z.number().int().min(1).max(90).default(WEBHOOK_DEFAULT_EXPIRING_DAYS),
  enabled: z.boolean().default(true),
});
export type WebhookInput = z.infer<typeof WebhookInputSchema>;

export const WebhookPatchSchema = z
  .object({
    name: z.string().trim().max(200),
    url: WebhookUrlSchema,
    events: z.array(WebhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
    expiringDays: z.number().int().min(1).max(90),
    enabled: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "name at least one field to change" });
export type WebhookPatch = z.infer<typeof WebhookPatchSchema>;

export interface WebhookDto {
  id: string;
  teamId: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  expiringDays: number;
  enabled: boolean;
  /** The HMAC key: only in the answer that creates the webhook (and to the team's admins on request). */
  secret?: string;
  createdAt: string;
}

export interface WebhookAttemptDto {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookDeliveryDto {
  id: string;
  event: WebhookDeliveryEvent;
  status: "pending" | "succeeded" | "failed";
  createdAt: string;
  attempts: WebhookAttemptDto[];
}

/** A threat as a webhook payload carries it. */
export interface WebhookThreat {
  fingerprint: string;
  title: string;
  severity: Severity;
  ruleId: string | null;
  resource: string | null;
  path: string | null;
}

/**
 * The JSON body of every delivery. Slack-compatible: Slack's incoming webhooks read `text` (mrkdwn) and ignore
 * the rest; other receivers read the structured fields.
 */
export interface WebhookPayload {
  event: WebhookDeliveryEvent;
  /** The delivery id (also the X-Threatline-Delivery header): the same for every retry of one delivery. */
  id: string;
  sentAt: string;
  text: string;
  team: { id: string; name: string };
  project?: { id: string; name: string };
  threats?: WebhookThreat[];
  /** acceptance.expiring: the acceptances this reminder is about (each is reminded of once). */
  acceptances?: Array<{
    project: { id: string; name: string };
    threat: WebhookThreat;
    owner: string | null;
    expiresAt: string;
    daysLeft: number;
    note: string;
  }>;
  assignee?: PersonRef;
}

/** Escapes the three characters Slack's mrkdwn treats as markup (&, <, >). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An accepted threat whose acceptance ends within the dashboard's window. */
export interface ExpiringAcceptanceDto {
  projectId: string;
  projectName: string;
  fingerprint: string;
  title: string;
  severity: Severity;
  /** The template the threat is in (empty for a threat written by hand). */
  path: string;
  owner: string | null;
  expiresAt: string;
  /** Whole days until it expires (0: today). */
  daysLeft: number;
}

/** Days from `now` until `expiresAt`, rounded up (an acceptance ending in 3 hours has 1 day left; past: 0). */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 86_400_000));
}
