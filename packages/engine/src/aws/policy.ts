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
  /** `NotPrincipal` is written: an Allow with it grants everyone but the principals it lists. */
  notPrincipal: boolean;
  /** Condition keys in lower case (`aws:sourcearn`, `token.actions.githubusercontent.com:sub`). */
  conditionKeys: string[];
  conditions: Record<string, Record<string, unknown>>;
  /** Where the statement is written, when its document came from elsewhere (a Terraform policy document). */
  source?: StatementSource;
}

/** Whether a statement is written in a Terraform `data "aws_iam_policy_document"` block (not jsonencode or JSON). */
export function inPolicyDocumentBlock(s: Statement): boolean {
  return s.source?.path.startsWith("data.aws_iam_policy_document.") === true;
}

/** The file and line of a statement written outside the resource that uses it. */
export interface StatementSource {
  file: string;
  line: number | null;
  /** The block's address and the statement's path in it: `data.aws_iam_policy_document.x.statement.0`. */
  path: string;
}

/**
 * Attached (not enumerable, so never serialized) to a statement object whose document is rendered from
 * another block, such as `data "aws_iam_policy_document"`: evidence then points at the block's statement.
 */
export const STATEMENT_SOURCE = Symbol("threatline.statement-source");

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
        notPrincipal: s.NotPrincipal !== undefined,
        conditionKeys,
        conditions,
        ...(sourceOf(s) ? { source: sourceOf(s)! } : {}),
      } satisfies Statement;
    });
}

function sourceOf(s: Record<string, unknown>): StatementSource | undefined {
  const source = (s as Record<symbol, unknown>)[STATEMENT_SOURCE];
  return isRecord(source) && typeof source.file === "string" && typeof source.path === "string"
    ? (source as unknown as StatementSource)
    : undefined;
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

/**
 * Condition keys that limit who can use a grant to something the owner controls: the calling resource or
 * account, the network, the organization, the caller's identity. `aws:SecureTransport`, `aws:Referer`
 * (a header anyone can send) and MFA do not: they say how a request is made, not who makes it.
 */
const NARROWING_KEYS = new Set([
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceip",
  "aws:vpcsourceip",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalservicename",
  "aws:userid",
  "aws:username",
  "kms:calleraccount",
  "s3:dataaccesspointaccount",
  "s3:dataaccesspointarn",
  "elasticfilesystem:accesspointarn",
]);

/** Operators whose match requires the key to equal one of the values (negated and IfExists forms do not). */
function narrowingOperator(operator: string): boolean {
  const op = operator.replace(/^ForAnyValue:/i, "");
  if (/^ForAllValues:/i.test(op) || /IfExists$/i.test(op)) return false;
  return /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i.test(op);
}

/** A condition value that matches (nearly) anything: `*`, `arn:aws:s3:::*`, `arn:aws:sns:*:*:*`, `o-*`, `0.0.0.0/0`. */
export function wildcardOnly(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const v = value.trim();
  if (v === "0.0.0.0/0" || v === "::/0") return true;
  if (/^[*?]*$/.test(v)) return true;
  if (/^arn:/i.test(v)) {
    const parts = v.split(":");
    const account = parts[4] ?? "";
    const resource = parts.slice(5).join(":");
    return !/[^*?]/.test(account) && !/[^*?/]/.test(resource);
  }
  return v.includes("*") && /^(o-|r-|ou-)?$/i.test(v.replace(/[*?/]/g, ""));
}

/** Whether a condition block limits who can use the statement (see `NARROWING_KEYS`). */
export function narrowsWho(conditions: Statement["conditions"], extraKeys: readonly string[] = []): boolean {
  for (const [operator, body] of Object.entries(conditions)) {
    if (!narrowingOperator(operator)) continue;
    for (const [key, values] of Object.entries(body)) {
      const k = key.toLowerCase();
      if (!NARROWING_KEYS.has(k) && !extraKeys.includes(k)) continue;
      // A value the template computes (a reference) names something of its own: it narrows.
      if (isUnresolved(values)) return true;
      const all = list(values);
      if (all.length > 0 && !all.some(wildcardOnly)) return true;
    }
  }
  return false;
}

/** Keys by which a grant to an AWS service names the resource or account it acts for (confused deputy). */
const SOURCE_KEYS = new Set([
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
]);

/**
 * Whether a grant to a service principal names whom the service acts for: aws:SourceArn, aws:SourceAccount,
 * aws:SourceOrgID … with a value that is not a bare wildcard (a computed value counts, as in `narrowsWho`).
 */
export function narrowsSource(s: Statement): boolean {
  if (s.conditionKeys.includes("unresolved")) return true;
  for (const [operator, body] of Object.entries(s.conditions)) {
    if (!narrowingOperator(operator)) continue;
    for (const [key, values] of Object.entries(body)) {
      if (!SOURCE_KEYS.has(key.toLowerCase())) continue;
      if (isUnresolved(values)) return true;
      const all = list(values);
      if (all.length > 0 && !all.some(wildcardOnly)) return true;
    }
  }
  return false;
}

/** The statement's condition block is itself computed (`!If`, a variable): what it allows is unknown. */
const unknownCondition = (s: Statement): boolean => s.conditionKeys.includes("unresolved");

/** Allow to `"*"` / `{"AWS": "*"}`, or with `NotPrincipal` (everyone but a few). */
export function everyonePrincipal(s: Statement): boolean {
  return isAllow(s) && (s.principals.includes("*") || s.notPrincipal);
}

/**
 * A grant to everyone that no condition narrows (see `NARROWING_KEYS`): wildcard-only values
 * (`ArnLike aws:SourceArn "arn:aws:s3:::*"`), negated and IfExists operators, `aws:SecureTransport` and
 * `aws:Referer` leave it public.
 */
export function isPublicPrincipal(s: Statement): boolean {
  return everyonePrincipal(s) && !unknownCondition(s) && !narrowsWho(s.conditions);
}

/**
 * Deny statements that fence a public grant: `Deny` when `aws:SourceVpce`/`aws:PrincipalOrgID`/… is NOT the
 * owner's (a negated operator on a narrowing key) on actions covering the grant's.
 */
export function fencedByDeny(grant: Statement, all: readonly Statement[]): boolean {
  return all.some((d) => {
    if (d.effect !== "Deny" || d === grant) return false;
    const covers =
      d.actions.some((a) => grant.actions.some((g) => actionMatches(a, g))) ||
      (d.actions.length === 0 && d.notActions.length > 0);
    if (!covers) return false;
    return Object.entries(d.conditions).some(
      ([operator, body]) =>
        /Not(Equals|Like|IpAddress)|^NotIpAddress/i.test(operator) &&
        !/IfExists$/i.test(operator) &&
        Object.entries(body).some(
          ([key, values]) =>
            NARROWING_KEYS.has(key.toLowerCase()) &&
            // "Deny unless the caller is anonymous" fences everyone but the public.
            !list(values).some((v) => typeof v === "string" && v.toLowerCase() === "anonymous") &&
            (isUnresolved(values) || (list(values).length > 0 && !list(values).some(wildcardOnly))),
        ),
    );
  });
}

/** Public statements of a document, less those a Deny statement fences (see `fencedByDeny`). */
export function publicStatements(document: unknown): Statement[] {
  const all = statements(document);
  return all.filter((s) => isPublicPrincipal(s) && !fencedByDeny(s, all));
}

/** Account ids of literal principals (`111122223333`, `arn:aws:iam::111122223333:root`, `…:role/x`). */
export function principalAccounts(s: Statement): string[] {
  const out = new Set<string>();
  for (const p of s.principals) {
    const m = /^(\d{12})$|^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(p);
    if (m) out.add((m[1] ?? m[2])!);
  }
  return [...out];
}

/** What an Allow grants: `*` / `service:*` actions and Allow-with-NotAction are everything of a service. */
export function grantsEverything(s: Statement): boolean {
  return isAllow(s) && (s.notActions.length > 0 || s.actions.some((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a)));
}

/** Whether a statement grants one of `wanted` (wildcards and NotAction honoured). */
export function grantsAny(s: Statement, wanted: readonly string[]): boolean {
  if (!isAllow(s)) return false;
  if (s.notActions.length > 0) return wanted.some((w) => !s.notActions.some((n) => actionMatches(n, w)));
  return s.actions.some((a) => wanted.some((w) => actionMatches(a, w)));
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
  "iam:PutUserPermissionsBoundary",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "lambda:UpdateFunctionCode",
  "glue:UpdateDevEndpoint",
  "cloudformation:UpdateStack",
  "ec2-instance-connect:SendSSHPublicKey",
  "sagemaker:CreatePresignedNotebookInstanceUrl",
  "ssm:SendCommand",
  "ssm:StartSession",
  "sts:AssumeRole",
];

/**
 * Actions that run code under a role the caller passes (`iam:PassRole`): together they let a principal act
 * with any role it may pass (Rhino Security's PassRole escalation paths).
 */
const RUN_WITH_ROLE = [
  "lambda:CreateFunction",
  "lambda:UpdateFunctionConfiguration",
  "ec2:RunInstances",
  "ec2:RequestSpotInstances",
  "ecs:RunTask",
  "ecs:RegisterTaskDefinition",
  "cloudformation:CreateStack",
  "cloudformation:UpdateStack",
  "glue:CreateDevEndpoint",
  "glue:CreateJob",
  "datapipeline:CreatePipeline",
  "sagemaker:CreateNotebookInstance",
  "sagemaker:CreateTrainingJob",
  "codebuild:CreateProject",
  "states:CreateStateMachine",
];

/** Whether a statement lets its holder pass roles it does not name (`*`, `role/*`, NotResource). */
export function passesAnyRole(s: Statement): boolean {
  return (
    grantsAny(s, ["iam:PassRole"]) &&
    (s.notResources.length > 0 || s.resources.some((r) => r === "*" || /:role\/\*$|^arn:[^:]*:iam::[^:]*:\*$/.test(r)))
  );
}

/**
 * The PassRole escalation of a set of statements (one identity's policies): a statement passing any role,
 * and the actions elsewhere in the same set that launch something with it.
 */
export function passRoleEscalation(all: readonly Statement[]): { pass: Statement; run: string[] } | undefined {
  const pass = all.find((s) => passesAnyRole(s) && !isFullAdmin(s));
  if (!pass) return undefined;
  const run = RUN_WITH_ROLE.filter((action) => all.some((s) => grantsAny(s, [action]) && !isFullAdmin(s)));
  return run.length > 0 ? { pass, run } : undefined;
}

/** Actions that let a principal grant itself more (Rhino Security's IAM escalation paths), on any resource. */
export function escalationActions(s: Statement): string[] {
  // `arn:aws:iam::*:policy/app-*` matches the policy's own ARN as well as any other: a wildcard IAM resource.
  const broad = anyResource(s) || s.resources.some((r) => /^arn:[^:]*:iam::[^:]*:/.test(r) && r.includes("*"));
  if (!isAllow(s) || !broad) return [];
  return ESCALATION.filter((action) => s.actions.some((a) => a !== "*" && actionMatches(a, action)));
}

/** Actions an unconditional Deny of the same document takes away (`Allow iam:*` next to `Deny iam:*`). */
export function deniedInDocument(action: string, all: readonly Statement[]): boolean {
  return all.some(
    (d) =>
      d.effect === "Deny" &&
      d.conditionKeys.length === 0 &&
      d.notActions.length === 0 &&
      (d.resources.includes("*") || d.resources.length === 0) &&
      d.actions.some((a) => actionMatches(a, action)),
  );
}

/** A statement whose condition can never hold: a date in the past with DateLessThan on the current/issue time. */
export function neverApplies(s: Statement): boolean {
  return Object.entries(s.conditions).some(
    ([operator, body]) =>
      /^DateLessThan(Equals)?$/i.test(operator) &&
      Object.entries(body).some(
        ([key, values]) =>
          /^aws:(currenttime|tokenissuetime)$/i.test(key) &&
          list(values).length > 0 &&
          list(values).every((v) => typeof v === "string" && /^(19|20[01]\d|202[0-4])-/.test(v)),
      ),
  );
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
