import { UNRESOLVED, isUnresolved } from "../graph/types.ts";
import { STATEMENT_SOURCE, type StatementSource } from "../aws/policy.ts";
import { isRecord, jsonValue, list } from "../aws/values.ts";

const PRINCIPAL_KEYS: Record<string, string> = { AWS: "AWS", Service: "Service", Federated: "Federated", "*": "*" };

function principals(blocks: unknown): unknown {
  const out: Record<string, unknown[]> = {};
  for (const p of list(blocks)) {
    if (!isRecord(p)) continue;
    const type = typeof p.type === "string" ? (PRINCIPAL_KEYS[p.type] ?? p.type) : "AWS";
    const ids = isUnresolved(p.identifiers) ? [UNRESOLVED] : list(p.identifiers);
    if (type === "*") return "*";
    out[type] = [...(out[type] ?? []), ...ids];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function conditions(blocks: unknown): Record<string, Record<string, unknown>> | undefined {
  const out: Record<string, Record<string, unknown>> = {};
  for (const c of list(blocks)) {
    if (!isRecord(c) || typeof c.test !== "string" || typeof c.variable !== "string") continue;
    out[c.test] = { ...(out[c.test] ?? {}), [c.variable]: c.values };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Where a `data "aws_iam_policy_document"` block is written: its file, its line and its statements' lines. */
export interface DocumentSource {
  file: string;
  /** `data.aws_iam_policy_document.<name>`: a statement's evidence path starts with it. */
  address: string;
  line: number | null;
  lines: Record<string, number>;
}

/** Statements of a rendered document given to `source_policy_documents` / `override_policy_documents`. */
function included(value: unknown): unknown[] {
  if (isUnresolved(value)) return [];
  return list(value).flatMap((doc) => {
    const parsed = jsonValue(doc);
    return isRecord(parsed) ? list(parsed.Statement).filter(isRecord) : [];
  });
}

/**
 * `data "aws_iam_policy_document"` rendered the way AWS would: its `statement` blocks as a JSON policy, so
 * `data.aws_iam_policy_document.x.json` reads like any other policy document. Statements of
 * `source_policy_documents` come first and those of `override_policy_documents` last (an override replaces a
 * statement of the same Sid). With `source`, each statement written in the block remembers its line.
 */
export function policyDocument(body: Record<string, unknown>, source?: DocumentSource): Record<string, unknown> {
  const own = list(body.statement).map((s, i) => {
    if (!isRecord(s)) return {};
    const out: Record<string, unknown> = { Effect: typeof s.effect === "string" ? s.effect : "Allow" };
    if (s.sid !== undefined) out.Sid = s.sid;
    if (s.actions !== undefined) out.Action = s.actions;
    if (s.not_actions !== undefined) out.NotAction = s.not_actions;
    if (s.resources !== undefined) out.Resource = s.resources;
    if (s.not_resources !== undefined) out.NotResource = s.not_resources;
    const principal = principals(s.principals);
    if (principal !== undefined) out.Principal = principal;
    const notPrincipal = principals(s.not_principals);
    if (notPrincipal !== undefined) out.NotPrincipal = notPrincipal;
    const condition = conditions(s.condition);
    if (condition !== undefined) out.Condition = condition;
    if (source) {
      const line = source.lines[`statement.${i}`];
      const where: StatementSource = {
        file: source.file,
        line: line ?? source.line,
        path: line === undefined ? source.address : `${source.address}.statement.${i}`,
      };
      Object.defineProperty(out, STATEMENT_SOURCE, { value: where, enumerable: false });
    }
    return out;
  });
  const overrides = included(body.override_policy_documents);
  const sids = new Set(overrides.map((s) => (isRecord(s) ? s.Sid : undefined)).filter((x) => x !== undefined));
  const kept = [...included(body.source_policy_documents), ...own].filter(
    (s) => !isRecord(s) || s.Sid === undefined || !sids.has(s.Sid),
  );
  return { Version: "2012-10-17", Statement: [...kept, ...overrides] };
}
