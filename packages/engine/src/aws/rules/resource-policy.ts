import type { GraphNode } from "../../graph/types.ts";
import type { EvidenceLocation, RuleContext } from "../../rules/types.ts";
import { type Statement, fencedByDeny, isPublicPrincipal, statements } from "../policy.ts";
import { at, type Hit } from "./define.ts";

/** Where a protected resource's policy can be written: an attr of its own, and companion policy resources. */
interface PolicyHome {
  /** The protected resource's attr holding its effective policy (companions fold theirs into it). */
  attr: string;
  /** Companion kinds that carry a policy for it, and the attr of theirs that holds the document. */
  companions: Record<string, string>;
}

export const POLICY_HOMES: Record<string, PolicyHome> = {
  "aws.s3.bucket": { attr: "policy", companions: { "aws.s3.bucket-policy": "document" } },
  "aws.sqs.queue": { attr: "policy", companions: { "aws.sqs.queue-policy": "document" } },
  "aws.sns.topic": { attr: "policy", companions: { "aws.sns.topic-policy": "document" } },
  "aws.ecr.repository": { attr: "policy", companions: { "aws.ecr.repository-policy": "document" } },
  "aws.secretsmanager.secret": { attr: "policy", companions: { "aws.secretsmanager.secret-config": "policy" } },
  "aws.opensearch.domain": { attr: "accessPolicy", companions: { "aws.opensearch.domain-policy": "document" } },
  "aws.kms.key": { attr: "policy", companions: {} },
  "aws.efs.file-system": { attr: "policy", companions: { "aws.efs.file-system-policy": "document" } },
  "aws.glacier.vault": { attr: "policy", companions: { "aws.glacier.vault-lock": "document" } },
  "aws.backup.vault": { attr: "policy", companions: { "aws.backup.vault-policy": "document" } },
  "aws.apigateway.rest-api": { attr: "policy", companions: { "aws.apigateway.rest-api-policy": "document" } },
  "aws.logs.resource-policy": { attr: "policy", companions: {} },
  "aws.logs.destination": { attr: "policy", companions: { "aws.logs.destination-policy": "document" } },
};

/** One policy document as written: on the resource it protects, or on a policy resource of its own. */
export interface PolicyText {
  holder: GraphNode;
  document: unknown;
  /** Property path of the document on `holder`. */
  path: string;
}

/** The kinds a resource-policy rule about `kind` reads: the resource and its policy resources. */
export function policyKinds(kind: string): string[] {
  return [kind, ...Object.keys(POLICY_HOMES[kind]?.companions ?? {})];
}

function companionText(node: GraphNode, docAttr: string): PolicyText | undefined {
  const document = node.attrs[docAttr];
  if (document === undefined) return undefined;
  return { holder: node, document, path: at(node, docAttr) };
}

/**
 * The policy documents that apply to `node`. For a policy resource whose protected resource is not in the
 * analysis (named by a literal ARN, URL or name of something declared elsewhere), its own document; for a
 * policy resource whose protected resource is here, nothing (the protected resource reports it).
 */
export function policyTexts(ctx: RuleContext, node: GraphNode, targetKind: string): PolicyText[] {
  const home = POLICY_HOMES[targetKind];
  if (!home) return [];
  if (node.kind !== targetKind) {
    const docAttr = home.companions[node.kind];
    if (docAttr === undefined) return [];
    if (ctx.out(node.id).some((n) => n.kind === targetKind)) return [];
    const own = companionText(node, docAttr);
    return own ? [own] : [];
  }
  const texts: PolicyText[] = [];
  for (const companion of ctx.in(node.id)) {
    const docAttr = home.companions[companion.kind];
    if (docAttr === undefined) continue;
    const text = companionText(companion, docAttr);
    if (text && !texts.some((t) => t.holder === companion)) texts.push(text);
  }
  const inline = node.attrs[home.attr];
  if (inline !== undefined && !texts.some((t) => t.document === inline)) {
    texts.push({ holder: node, document: inline, path: at(node, home.attr) });
  }
  return texts;
}

/** The line of one statement: its own block (a Terraform policy document), else its place in the document. */
export function statementLocation(text: PolicyText, s: Statement): EvidenceLocation {
  const { holder, path } = text;
  const statementPath = path ? `${path}.Statement.${s.index}` : `Statement.${s.index}`;
  if (s.source) return { file: s.source.file, line: s.source.line, path: s.source.path };
  const line =
    holder.propertyLines[statementPath] ??
    holder.propertyLines[`${path}.Statement`] ??
    holder.propertyLines[path] ??
    holder.line;
  return { file: holder.file, line, path: statementPath };
}

/**
 * Hits for the statements of the policies that apply to `node` that `pick` objects to (a reason, or false),
 * with the evidence on the statement and the policy resource among the threat's resources.
 */
export function policyHits(
  ctx: RuleContext,
  node: GraphNode,
  targetKind: string,
  pick: (s: Statement, all: Statement[]) => string | false | { why: string; fix?: Hit["fix"] },
): Hit[] {
  const hits: Hit[] = [];
  for (const text of policyTexts(ctx, node, targetKind)) {
    const all = statements(text.document);
    for (const s of all) {
      const picked = pick(s, all);
      if (!picked) continue;
      const why = typeof picked === "string" ? picked : picked.why;
      const fix = typeof picked === "string" ? undefined : picked.fix;
      const protectedBy = node.kind === targetKind ? [] : ctx.out(node.id).filter((n) => n.kind === targetKind);
      hits.push({
        paths: [],
        locations: [statementLocation(text, s)],
        detail: `${node.id}: statement ${s.index + 1} of the policy ${text.holder === node ? "" : `in ${text.holder.id} `}${why}.`,
        related: [...(text.holder === node ? [] : [text.holder]), ...protectedBy],
        ...(fix ? { fix } : {}),
      });
    }
  }
  return hits;
}

/** "anyone", "everyone but role/admin" … for a statement's principal. */
export function whoOf(s: Statement): string {
  if (s.notPrincipal) return "every principal but those its NotPrincipal lists";
  if (s.principals.includes("*")) return "anyone";
  return s.principals.join(", ") || "its principal";
}

/** "s3:GetObject, s3:ListBucket", "every action but iam:*" … for a statement's actions. */
export function whatOf(s: Statement): string {
  if (s.notActions.length > 0) return `every action but ${s.notActions.join(", ")}`;
  const shown = s.actions.slice(0, 4).join(", ");
  return s.actions.length > 4 ? `${shown} …` : shown || "its actions";
}

/** Statements open to everyone (no narrowing condition, not fenced by a Deny), one hit each. */
export function publicPolicyHits(ctx: RuleContext, node: GraphNode, targetKind: string): Hit[] {
  return policyHits(
    ctx,
    node,
    targetKind,
    (s, all) =>
      isPublicPrincipal(s) && !fencedByDeny(s, all) && `lets ${whoOf(s)} ${whatOf(s)} with no condition narrowing who`,
  );
}

/** The protected kind a node's policy is about: its own kind, or the kind its policy resource protects. */
export function targetKindOf(node: GraphNode): string | undefined {
  if (POLICY_HOMES[node.kind]) return node.kind;
  return Object.entries(POLICY_HOMES).find(([, home]) => node.kind in home.companions)?.[0];
}

/** Every kind that holds or protects a resource policy. */
export const RESOURCE_POLICY_KINDS = Object.keys(POLICY_HOMES).flatMap(policyKinds);
