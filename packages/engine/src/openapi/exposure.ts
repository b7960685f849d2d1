/** What makes a read private: the fields and collections that carry people's or secret data. */
import type { GraphNode } from "../graph/types.ts";
import type { RuleContext } from "../rules/types.ts";
import type { OperationAttrs } from "./parse.ts";
import { lastSegment, staticSegments } from "./signals.ts";

export const SECRET_RESPONSE =
  /^(pass|pwd|passwd|password_?hash|hashed_?password|pass_?hash|hash|salt|otp|mfa_?secret|totp_?secret|secret_?key|client_?secret|private_?key|reset_?token|refresh_?token|session_?token|api_?token|credit_?card_?number|pan|cvv2?)$/i;
export const PERSONAL_FIELD =
  /^(email|e_?mail|[a-z]+_?email|[a-z]+Email|phone|phone_?number|mobile|address|home_?address|street|date_?of_?birth|dob|birth_?date|birthday|national_?id|passport|[a-z]+Phone)$/i;
export const SENSITIVE_RESPONSE =
  /(password|passwd|pwd|secret|ssn|social_?security|credit_?card|card_?number|cvv|cvc|private_?key|api_?key|pin_?code)$/i;

/** Collections whose members are people's or private records, whoever the spec's author made public. */
const PRIVATE_COLLECTION =
  /^(users?|accounts?|customers?|members?|employees?|patients?|admins?|admin|export|exports|orders?|payments?|invoices?|transactions?|messages?|notes?|me|settings|billing|private|internal|reports?|logs?|audit|secrets?|keys?|tokens?|sessions?)$/i;

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
