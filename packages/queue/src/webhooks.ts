import ipaddr from "ipaddr.js";
import { z } from "zod";

/**
 * Settings and network policy of outgoing webhooks, shared by the API (which checks a URL when it is registered)
 * and the worker (which delivers, and checks every address it connects to).
 */
export const WebhookSettingsSchema = z.object({
  /**
   * Allow webhooks to private, loopback, link-local and other non-public addresses. Off by default: a team admin
   * could otherwise make the server call its own network (SSRF). Turn on for a receiver inside your network, and
   * in tests, whose receiver listens on 127.0.0.1.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .default(false)
    .transform((v) => v === true || v === "true"),
  /** Longest one delivery attempt may take (connect, send, answer) before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Tries of one delivery before it is marked failed. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Wait before the first retry; each further retry waits twice as long (10 s, 20 s, 40 s, 80 s by default). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
});
export type WebhookSettings = z.infer<typeof WebhookSettingsSchema>;

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = WebhookSettingsSchema.parse({});

/** The BullMQ backoff type of delivery jobs; the worker computes its delays from WEBHOOK_RETRY_BASE_MS. */
export const WEBHOOK_BACKOFF_TYPE = "webhook";

/**
 * Why an IP address may not be called by a webhook (loopback, private, link-local, …), or null for a public
 * unicast address. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function blockedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === "unicast" ? null : `${range} address ${ip.toString()}`;
}

/**
 * Checks a webhook URL before any DNS lookup: its scheme, and its host when that is an IP literal or a name
 * that always means this machine. A name is checked again, address by address, when a delivery connects.
 * Returns why the URL is refused, or null.
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "not an http(s) URL";
  if (parsed.username || parsed.password) return "credentials in the URL (put a token in its path instead)";
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return "a loopback host name";
  if (ipaddr.isValid(host)) return blockedAddressReason(host);
  return null;
}
