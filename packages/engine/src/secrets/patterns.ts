import type { SecretFinding } from "../graph/types.ts";

export type SecretKind = SecretFinding["kind"];

/** A secret shape that can be recognised from the value alone, wherever it appears. */
export interface ValuePattern {
  kind: SecretKind;
  /** Global regex; `group` selects the secret part of the match (0 = all of it). */
  regex: RegExp;
  group: number;
}

/**
 * Value shapes, most specific first. Each regex is linear (no nested quantifiers) so a hostile long line
 * cannot make it backtrack.
 */
export const VALUE_PATTERNS: readonly ValuePattern[] = [
  {
    kind: "private-key",
    regex:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[^-]{0,20000}-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
    group: 0,
  },
  {
    kind: "aws-access-key",
    regex: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])/g,
    group: 0,
  },
  {
    kind: "aws-secret-key",
    regex: /(?:aws_?)?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
  },
  { kind: "token", regex: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}/g, group: 0 },
  { kind: "token", regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}/g, group: 0 },
  { kind: "token", regex: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,250}/g, group: 0 },
  { kind: "token", regex: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]{20,200}/g, group: 0 },
  { kind: "token", regex: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{20,200}/g, group: 0 },
  { kind: "token", regex: /(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, group: 0 },
  { kind: "token", regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, group: 0 },
  { kind: "token", regex: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,100}/g, group: 0 },
  {
    kind: "token",
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{8,4000}/g,
    group: 0,
  },
  {
    kind: "connection-string",
    regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"`<>{}]{1,200}:[^\s@'"`<>/]{1,200}@[^\s'"`<>]{1,500}/gi,
    group: 0,
  },
];

/**
 * Shell-style assignments inside scripts (UserData, commands): `export DB_PASSWORD=s3cr3t`, `--password=x`. A value
 * stops at a backslash: a script written in a JSON or double-quoted YAML string carries its line breaks as `\n`.
 */
export const SCRIPT_PATTERNS: readonly ValuePattern[] = [
  {
    kind: "password",
    regex:
      /\b[A-Z0-9_]{0,40}(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Z0-9_]{0,40}=(["']?)([^\s"'`$;&|(){}<>\\]{4,200})\1/g,
    group: 2,
  },
  {
    kind: "password",
    regex:
      /--(?:[a-z-]{0,20})?(?:password|passwd|secret|token)[= ](["']?)([^\s"'`$;&|(){}<>\\-][^\s"'`$;&|(){}<>\\]{3,200})\1/gi,
    group: 2,
  },
];

const SECRET_WORDS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "apikey",
  "accesskey",
  "privatekey",
  "credential",
  "pwd",
  "authkey",
];

/** Key endings that name something about a secret rather than the secret itself (`SecretArn`, `passwordLength`). */
const NOT_SECRET_SUFFIXES = [
  "arn",
  "id",
  "ids",
  "name",
  "names",
  "ref",
  "refs",
  "url",
  "uri",
  "urls",
  "path",
  "file",
  "files",
  "length",
  "policy",
  "policies",
  "version",
  "type",
  "enabled",
  "required",
  "rotation",
  "mode",
  "count",
  "ttl",
  "expiry",
  "expiration",
  "age",
  "manager",
  "provider",
  "store",
  "source",
  "selector",
  "from",
  "endpoint",
  "duration",
  "validity",
  "lifetime",
  "prevention",
  "header",
  "location",
  "in",
  "description",
  "template",
  "generator",
  "options",
  "config",
  "configuration",
  "scopes",
  "scope",
  "flow",
  "flows",
  "usage",
  "kind",
  "format",
  "lookup",
  "secrets",
  "tokens",
  "schema",
  "parameter",
  "field",
  "key_id",
  "keyid",
  "period",
  "reset",
  "hint",
  "mount",
  "volume",
  "env",
  "label",
  "labels",
  "annotations",
  "string_wo",
  "wo_version",
  "placement",
  "arns",
  "time",
  "date",
  // Settings of a managed secret: `master_user_password_rotation_schedule_expression = "rate(15 days)"`.
  "expression",
  "schedule",
  "immediately",
  "interval",
  "days",
  "algorithm",
  "strategy",
  "complexity",
  // `secret_permissions = ["Get", "List"]` (an Azure Key Vault access policy): what may be done to secrets.
  "permissions",
  "permission",
  "units",
  "namespace",
];

/**
 * Whether a property key names a secret value (`MasterUserPassword`, `DB_PASSWORD`, `apiKey`). A namespaced key
 * (`token.actions.githubusercontent.com:aud`, `aws:TokenIssueTime`: IAM condition keys, OIDC claims) is judged by
 * its last part only: its prefix names an issuer or a service, not the value.
 */
export function isSecretKey(key: string): boolean {
  const colon = key.lastIndexOf(":");
  if (colon >= 0) return colon < key.length - 1 && isSecretKey(key.slice(colon + 1));
  const norm = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (!SECRET_WORDS.some((w) => norm.includes(w))) return false;
  const lower = key.toLowerCase();
  return !NOT_SECRET_SUFFIXES.some((s) => norm.endsWith(s.replace(/_/g, "")) && !(s === "in" && !lower.endsWith("in")));
}

const PLACEHOLDER_WORDS =
  /^(x+|\*+|\.+|-+|replace[_-]?me|replaceme|todo|tbd|none|null|nil|undefined|secret|password|passwd|token|example|dummy|placeholder|redacted|empty|default|true|false|yes|no|n\/a|na|required|optional|string|sample|test|fake)$/i;

/**
 * Whether a literal is a reference or a placeholder rather than a secret. `changeme` and its kin are not: they
 * are weak passwords that get deployed as written, and a reviewer flags them.: interpolations (`${…}`, `{{…}}`,
 * `$(…)`), dynamic references (`{{resolve:secretsmanager:…}}`), ARNs, template markers (`<password>`).
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length < 4) return true;
  if (v.includes("${") || v.includes("{{") || v.includes("$(") || v.startsWith("$")) return true;
  if (v.startsWith("«REDACTED:")) return true;
  if (/^<[^>]*>$/.test(v) || /^%[^%]*%$/.test(v) || /^\[[^\]]*\]$/.test(v)) return true;
  if (/^(arn:|alias\/|ssm:|vault:|secretsmanager:|projects\/|sm:\/\/|ref\+|op:\/\/|azurekeyvault)/i.test(v))
    return true;
  if (PLACEHOLDER_WORDS.test(v)) return true;
  // A file path (`default = "../keys/deploy"` for a variable named `ssh_private_key`) names where a secret is.
  if (/^(\.{1,2}\/|~\/)\S*$/.test(v)) return true;
  // A property of a variable in code (`ResultToken: event.resultToken` in a function's inline source).
  if (
    /^(event|context|process|req|request|res|response|self|this|props|config|settings|env|input|params|args|options)\.[A-Za-z_$][\w$.]*$/.test(
      v,
    )
  )
    return true;
  if (/^your(password|passwd|secret|token|key|pass)$/i.test(v)) return true;
  // A unit (`token_validity_units { refresh_token = "days" }`).
  if (/^(milliseconds|seconds|minutes|hours|days|weeks|months|years)$/i.test(v)) return true;
  // A schedule expression (`rate(15 days)`, `cron(0 3 * * ? *)`) is a setting, whatever its key says.
  if (/^(rate|cron|at)\([^)]*\)$/i.test(v)) return true;
  if (/^(your|my|enter|insert|put|replace)[_-]/i.test(v)) return true;
  if (/^(xxx|\*\*\*)/i.test(v) && /^[x*_-]+$/i.test(v)) return true;
  if (/^[A-Z][A-Z0-9_]*$/.test(v) && /_/.test(v) && v.length < 40) return true;
  return false;
}
