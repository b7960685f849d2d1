/** What makes a read private: the fields and collections that carry people's or secret data. */
import type { GraphNode } from "../graph/types.ts";
import type { RuleContext } from "../rules/types.ts";
import type { OperationAttrs } from "./parse.ts";
import { inputsOf, lastSegment, paramAt, staticSegments, words } from "./signals.ts";

export const SECRET_RESPONSE =
  /^(pass|pwd|passwd|password_?hash|hashed_?password|pass_?hash|hash|salt|otp|mfa_?secret|totp_?secret|secret_?key|client_?secret|private_?key|reset_?token|refresh_?token|session_?token|api_?token|credit_?card_?number|pan|cvv2?)$/i;
export const PERSONAL_FIELD =
  /^(email|e_?mail|[a-z]+_?email|[a-z]+Email|phone|phone_?number|mobile|address|home_?address|street|date_?of_?birth|dob|birth_?date|birthday|national_?id|passport|[a-z]+Phone)$/i;
export const SENSITIVE_RESPONSE =
  /(password|passwd|pwd|secret|ssn|social_?security|credit_?card|card_?number|cvv|cvc|private_?key|api_?key|pin_?code)$/i;

/** Collections whose members are people's or private records, whoever the spec's author made public. */
const PRIVATE_COLLECTION =
  /^(users?|accounts?|customers?|members?|employees?|patients?|admins?|admin|export|exports|orders?|payments?|invoices?|transactions?|messages?|notes?|me|settings|billing|private|internal|reports?|logs?|audit|secrets?|keys?|tokens?|sessions?)$/i;

/**
 * Whether a path parameter names a member of a private collection (`/notes/{noteId}`, `/orders/{id}`): whoever
 * reads it by id reads someone's record, authenticated or not.
 */
export function privateMember(path: string, name: string): boolean {
  const segments = path.split("/").filter(Boolean);
  const at = paramAt(segments, name);
  return at > 0 && PRIVATE_COLLECTION.test(segments[at - 1]!);
}

/** A read of people's or private data: by its path, or by personal or secret fields in what it returns. */
export function privateRead(a: OperationAttrs): boolean {
  return (
    staticSegments(a.path).some((s) => PRIVATE_COLLECTION.test(s)) ||
    a.responseFields.some((f) => {
      const leaf = lastSegment(f.name);
      return PERSONAL_FIELD.test(leaf) || SECRET_RESPONSE.test(leaf) || SENSITIVE_RESPONSE.test(leaf);
    })
  );
}

/**
 * An operation with no security in a spec that has no global requirement but secures its other operations one by
 * one: the author decided per operation, and left this one public (Conduit's articles, tags and profiles).
 */
export function leftOutOnPurpose(ctx: RuleContext, node: GraphNode): boolean {
  if ((node.attrs as unknown as OperationAttrs).securitySource !== "none") return false;
  return ctx.graph.nodes.some((n) => {
    if (n.file !== node.file || n.kind !== "openapi.operation") return false;
    const o = n.attrs as unknown as OperationAttrs;
    return o.securitySource === "operation" && o.authenticated;
  });
}

/** First words of an operation id or summary that say the client buys, books or orders something. */
const PURCHASE_VERBS = new Set(["buy", "purchase", "checkout", "order", "book", "reserve", "rent"]);

/** A POST by which a client buys or books (`buyMuseumTickets`, "Purchase a plan"), or fills a cart or basket. */
export function purchaseOperation(a: OperationAttrs): boolean {
  if (a.method !== "POST") return false;
  const first = [words(a.operationId ?? "")[0], words(a.summary ?? "")[0]];
  return (
    first.some((w) => w !== undefined && PURCHASE_VERBS.has(w)) ||
    staticSegments(a.path).some((s) => /^(carts?|baskets?)$/i.test(s))
  );
}

function singular(word: string): string {
  return word
    .replace(/ies$/, "y")
    .replace(/(ch|sh|s|x)es$/, "$1")
    .replace(/s$/, "");
}

/** Objects of the caller's own a purchase references (their order, account, card, cart), not what they buy. */
const OWN_THINGS =
  /^(cart|basket|wallet|card|address|customer|user|account|order|payment|invoice|session|member|owner)$/i;

/**
 * The collections an API sells or books, by its path segment (`special-events`): those whose members a purchase
 * operation names by id in its body (`POST /tickets` "Buy museum tickets" with an `eventId`). What the seller
 * offers is read alike by every buyer and managed by the seller's staff: who may change it is a function-level
 * question, and a purchase that names it references no one's object.
 */
export function soldCollections(all: readonly OperationAttrs[]): Set<string> {
  const stems = new Set<string>();
  for (const a of all.filter(purchaseOperation))
    for (const i of inputsOf(a)) {
      const stem = i.where === "body" ? /^(.+?)[-_]?(id|uuid)$/i.exec(i.name)?.[1]?.toLowerCase() : undefined;
      if (stem && !OWN_THINGS.test(stem) && !PRIVATE_COLLECTION.test(stem)) stems.add(stem);
    }
  const sold = new Set<string>();
  if (stems.size === 0) return sold;
  for (const a of all)
    for (const s of staticSegments(a.path)) {
      const last = words(s).at(-1);
      if (last && last !== singular(last) && stems.has(singular(last))) sold.add(s.toLowerCase());
    }
  return sold;
}

/** Whether a body field (`eventId`) names a member of a sold collection (`special-events`). */
export function namesSold(name: string, sold: ReadonlySet<string>): boolean {
  const stem = /^(.+?)[-_]?(id|uuid)$/i.exec(name)?.[1]?.toLowerCase();
  return stem !== undefined && [...sold].some((seg) => singular(words(seg).at(-1) ?? "") === stem);
}

/**
 * The sold collection a write changes: a create on the collection (`POST /special-events`) or a change to one of
 * its members (`PATCH /special-events/{eventId}`), not an action under a member, nor the purchase itself.
 */
export function soldWrite(a: OperationAttrs, sold: ReadonlySet<string>): string | undefined {
  if (!["POST", "PUT", "PATCH", "DELETE"].includes(a.method) || purchaseOperation(a)) return undefined;
  const segments = a.path.split("/").filter(Boolean);
  const last = segments.at(-1) ?? "";
  const collection = last.startsWith("{") ? segments.at(-2) : last;
  if (collection === undefined || collection.startsWith("{") || !sold.has(collection.toLowerCase())) return undefined;
  return collection;
}
