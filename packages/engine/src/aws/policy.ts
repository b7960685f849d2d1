import { isRecord, isUnresolved, jsonValue, list } from "./values.ts";

/** One IAM policy statement, normalized: lists everywhere, `"*"` kept, unresolved items dropped. */
export interface Statement {
  index: number;
  effect: "Allow" | "Deny";
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** Every principal as written (`*`, account ARNs, service names, federated providers). */
  principals: string[];
  federated: string[];
  hasPrincipal: boolean;
  /** Condition keys in lower case (`aws:sourcearn`, `token.actions.githubusercontent.com:sub`). */
  conditionKeys: string[];
  conditions: Record<string, Record<string, unknown>>;
}

/** Statements of a policy document (object, JSON string, or unresolved). */
export function statements(document: unknown): Statement[] {
  const doc = jsonValue(document);
  if (!isRecord(doc)) return [];
  return list(doc.Statement)
    .filter(isRecord)
    .map((s, index) => {
      const principal = s.Principal;
      const principals: string[] = [];
      const federated: string[] = [];
      if (principal === "*") principals.push("*");
      else if (isRecord(principal)) {
        for (const [key, value] of Object.entries(principal)) {
          for (const p of list(value)) {
            // A provider the template computes (`!Sub …:oidc-provider/…`) is still a web identity provider.
            if (key === "Federated") federated.push(typeof p === "string" ? p : "?");
            if (typeof p === "string") principals.push(p);
          }
        }
      }
      const conditions: Record<string, Record<string, unknown>> = {};
      const conditionKeys: string[] = [];
      if (isRecord(s.Condition)) {
        for (const [operator, body] of Object.entries(s.Condition)) {
          if (!isRecord(body)) continue;
          conditions[operator] = body;
          conditionKeys.push(...Object.keys(body).map((k) => k.toLowerCase()));
        }
      } else if (isUnresolved(s.Condition)) {
        conditionKeys.push("unresolved");
      }
      return {
        index,
        effect: s.Effect === "Deny" ? "Deny" : "Allow",
        actions: texts(s.Action),
        notActions: texts(s.NotAction),
        resources: texts(s.Resource),
        notResources: texts(s.NotResource),
        principals,
        federated,
        hasPrincipal: principal !== undefined,
        conditionKeys,
        conditions,
      } satisfies Statement;
    });
}

function texts(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

/** IAM's wildcard matching, case-insensitive as IAM action names are. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === "*") return true;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test(action);
}

export function allows(stmt: Statement, action: string): boolean {
  return stmt.effect === "Allow" && stmt.actions.some((a) => actionMatches(a, action));
}

export const isAllow = (s: Statement): boolean => s.effect === "Allow";
export const anyResource = (s: Statement): boolean => s.resources.includes("*");

/** `Action: "*"` on `Resource: "*"`: full administrator. */
export function isFullAdmin(s: Statement): boolean {
  return isAllow(s) && s.actions.some((a) => a === "*" || a === "*:*") && anyResource(s);
}

/** `s3:*`, `*`, `iam:*` … */
export function wildcardActions(s: Statement): string[] {
  return isAllow(s) ? s.actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a)) : [];
}

/** Principal `*` (or `AWS: "*"`) with no condition narrowing who it is. */
export function isPublicPrincipal(s: Statement): boolean {
  return isAllow(s) && s.principals.includes("*") && s.conditionKeys.length === 0;
}

const ESCALATION = [
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:UpdateAssumeRolePolicy",
  "iam:AddUserToGroup",
  "iam:CreateUser",
  "sts:AssumeRole",
];

/** Actions that let a principal grant itself more (Rhino Security's IAM escalation paths), on any resource. */
export function escalationActions(s: Statement): string[] {
  if (!isAllow(s) || !anyResource(s)) return [];
  return ESCALATION.filter((action) => s.actions.some((a) => a !== "*" && actionMatches(a, action)));
}

const WRITE_VERB =
  /^(put|create|delete|update|attach|detach|modify|set|remove|add|terminate|run|start|stop|invoke|publish|send|write|restore|reboot|replace|tag|untag|pass|\*)/i;

/** Allow statements that write or manage on `Resource: "*"` (full admin excluded). */
export function writeOnAnyResource(s: Statement): string[] {
  if (!isAllow(s) || !anyResource(s) || isFullAdmin(s)) return [];
  return s.actions.filter((a) => {
    const verb = a.split(":")[1];
    return verb !== undefined && verb !== "*" && WRITE_VERB.test(verb);
  });
}

/** AWS managed policies that make an identity an administrator or close to one. */
export const ADMIN_MANAGED_POLICIES = ["AdministratorAccess"];
export const BROAD_MANAGED_POLICIES = ["PowerUserAccess", "IAMFullAccess"];

export function managedPolicyName(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

export type Privilege = "admin" | "write" | "read" | "none";

export function privilegeOf(all: Statement[], managedArns: string[]): Privilege {
  const names = managedArns.map(managedPolicyName);
  if (names.some((n) => ADMIN_MANAGED_POLICIES.includes(n)) || all.some(isFullAdmin)) return "admin";
  if (names.some((n) => BROAD_MANAGED_POLICIES.includes(n) || /FullAccess$/.test(n))) return "write";
  const allowing = all.filter(isAllow);
  if (allowing.some((s) => s.actions.some((a) => a === "*" || WRITE_VERB.test(a.split(":")[1] ?? "")))) return "write";
  if (allowing.length > 0 || names.length > 0) return "read";
  return "none";
}
