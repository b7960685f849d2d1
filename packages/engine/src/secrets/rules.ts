import type { TemplateFormat } from "@threatline/domain";
import { pushTo } from "../collections.ts";
import type { GraphNode, SecretFinding } from "../graph/types.ts";
import type { Finding, Rule, RuleContext } from "../rules/types.ts";

type SecretKind = SecretFinding["kind"];

/**
 * The node secrets are reported on, with each secret's line set on its property path so that the evidence
 * points at the secret itself (inside a script, not at the top of the property).
 */
function withLines(node: GraphNode, secrets: readonly SecretFinding[]): { node: GraphNode; paths: string[] } {
  const lines = { ...node.propertyLines };
  const paths: string[] = [];
  const claimed = new Map<string, number | null>();
  for (const s of secrets) {
    // Two secrets in one property (keys in a UserData script) keep their own lines.
    const taken = claimed.get(s.path);
    const path = taken === undefined || taken === s.line ? s.path : `${s.path} (line ${s.line ?? "?"})`;
    claimed.set(path, s.line);
    if (s.line !== null) lines[path] = s.line;
    if (!paths.includes(path)) paths.push(path);
  }
  return { node: { ...node, propertyLines: lines }, paths };
}

/**
 * The file itself as the holder of a secret no resource holds (a provider block, a variable default, a local,
 * a module argument, a parameter default): also in a file, or a Terraform folder, that declares no resource.
 */
function fileNode(ctx: RuleContext, file: string): GraphNode | undefined {
  const sibling = ctx.graph.nodes.find((n) => n.file === file);
  const format = sibling?.format ?? (/\.(tf|tfvars|hcl)$/i.test(file) ? "terraform" : undefined);
  if (!format) return undefined;
  return {
    id: file,
    type: "file",
    kind: "file",
    format,
    file,
    line: 1,
    attrs: {},
    properties: {},
    propertyLines: {},
  };
}

function checkKinds(kinds: readonly SecretKind[], label: string) {
  return (ctx: RuleContext): Finding[] => {
    const groups = new Map<string, SecretFinding[]>();
    for (const secret of ctx.graph.facts.secrets) {
      if (!kinds.includes(secret.kind)) continue;
      const key = `${secret.file}\u0000${secret.nodeId ?? ""}`;
      pushTo(groups, key, secret);
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      const first = group[0];
      if (!first) continue;
      const node = (first.nodeId !== null ? ctx.byId.get(first.nodeId) : undefined) ?? fileNode(ctx, first.file);
      if (!node) continue;
      const { node: located, paths: where } = withLines(node, group);
      findings.push({
        node: located,
        paths: where,
        detail: `${node.id} holds ${group.length === 1 ? `a hard-coded ${label}` : `${group.length} hard-coded ${label}s`} in plain text (${where.join(", ")}). Anyone who can read the template, its repository, its CI logs or the deployed resource's configuration can use it.`,
        likelihood: ctx.isExposed(node.id) ? 5 : undefined,
      });
    }
    return findings;
  };
}

type Fixes = Partial<Record<TemplateFormat, string>>;

/** Each kind of secret has its own way out: a role instead of keys, a dynamic reference instead of a value. */
function fixes(cfn: string, tf: string, k8s: string): Fixes {
  return {
    cloudformation: cfn,
    terraform: tf,
    "terraform-plan": tf,
    kubernetes: k8s,
    openapi: '# Remove the literal value; document the field without a real secret.\nexample: "<redacted>"',
  };
}

const K8S_SECRET_REF = (name: string, key: string): string =>
  `env:\n  - name: ${name}\n    valueFrom:\n      secretKeyRef:\n        name: app-credentials\n        key: ${key}`;

const PASSWORD_FIX = fixes(
  "Password: '{{resolve:secretsmanager:app/credentials:SecretString:password}}'",
  'data "aws_secretsmanager_secret_version" "app" {\n  secret_id = "app/credentials"\n}\n# password = jsondecode(data.aws_secretsmanager_secret_version.app.secret_string)["password"]',
  K8S_SECRET_REF("APP_PASSWORD", "password"),
);

const AWS_KEY_FIX = fixes(
  "# delete the keys: the workload takes its credentials from a role\nIamInstanceProfile: !Ref AppInstanceProfile # Role: on a Lambda function, TaskRoleArn: on an ECS task",
  "# delete the keys: the workload takes its credentials from a role\niam_instance_profile = aws_iam_instance_profile.app.name # role on a Lambda function, task_role_arn on an ECS task",
  "# delete the keys: EKS gives the pod a role through its service account (IRSA or Pod Identity)\nserviceAccountName: app",
);

const PRIVATE_KEY_FIX = fixes(
  "PrivateKey: '{{resolve:secretsmanager:app/tls:SecretString:key}}'",
  'data "aws_secretsmanager_secret_version" "tls" {\n  secret_id = "app/tls"\n}',
  "volumes:\n  - name: tls\n    secret:\n      secretName: app-tls",
);

const TOKEN_FIX = fixes(
  "ApiToken: '{{resolve:secretsmanager:app/api:SecretString:token}}'",
  'data "aws_secretsmanager_secret_version" "api" {\n  secret_id = "app/api"\n}',
  K8S_SECRET_REF("API_TOKEN", "token"),
);

const CONNECTION_FIX = fixes(
  'DatabaseUrl: !Sub "postgres://app:{{resolve:secretsmanager:prod/db:SecretString:password}}@${Db.Endpoint.Address}:5432/app"',
  'data "aws_secretsmanager_secret_version" "db" {\n  secret_id = "prod/db"\n}\n# build the URL at runtime from the secret, not in configuration',
  K8S_SECRET_REF("DATABASE_URL", "url"),
);

const NOECHO_FIX = fixes(
  "Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true # no Default: pass the value at deploy time, or use a dynamic reference",
  'variable "db_password" {\n  type      = string\n  sensitive = true # no default\n}',
  K8S_SECRET_REF("APP_PASSWORD", "password"),
);

function docs(title: string, why: string): string {
  return `## ${title}\n\n${why}\n\n**Fix:** move the value to a secret store (AWS Secrets Manager, SSM Parameter Store SecureString, a Kubernetes Secret created out of band, Vault) and reference it; then rotate the exposed value, because it stays in version history.`;
}

const REMEDIATION =
  "Remove the literal value, store it in a secret manager and reference it at deploy time. Rotate the exposed credential: it remains in the repository history.";

function secretRule(
  id: string,
  title: string,
  kinds: SecretKind[],
  label: string,
  likelihood: number,
  impact: number,
  cwe: string[],
  fix: Fixes,
): Rule {
  const description = `{resource} contains a hard-coded ${label}. Secrets in templates leak through repositories, CI logs, and the provider's console.`;
  return {
    id,
    title,
    category: "InformationDisclosure",
    likelihood,
    impact,
    description,
    remediation: { text: REMEDIATION, fix },
    references: { cwe, capec: ["CAPEC-191"], attack: ["T1552.001"] },
    docs: docs(title, description.replace("{resource}", "The resource")),
    kinds: ["*"],
    check: checkKinds(kinds, label),
  };
}

export const SECRET_RULES: Rule[] = [
  secretRule(
    "TL-SECRET-001",
    "Hard-coded password or secret in template",
    ["password", "generic"],
    "password or secret",
    4,
    4,
    ["CWE-798", "CWE-259"],
    PASSWORD_FIX,
  ),
  secretRule(
    "TL-SECRET-002",
    "Hard-coded AWS access key id",
    ["aws-access-key"],
    "AWS access key id",
    4,
    5,
    ["CWE-798"],
    AWS_KEY_FIX,
  ),
  secretRule(
    "TL-SECRET-003",
    "Hard-coded AWS secret access key",
    ["aws-secret-key"],
    "AWS secret access key",
    4,
    5,
    ["CWE-798"],
    AWS_KEY_FIX,
  ),
  secretRule(
    "TL-SECRET-004",
    "Private key embedded in template",
    ["private-key"],
    "private key",
    4,
    5,
    ["CWE-321", "CWE-798"],
    PRIVATE_KEY_FIX,
  ),
  secretRule("TL-SECRET-005", "Hard-coded API token", ["token"], "API token", 4, 4, ["CWE-798"], TOKEN_FIX),
  secretRule(
    "TL-SECRET-006",
    "Connection string with embedded password",
    ["connection-string"],
    "connection string with a password",
    4,
    4,
    ["CWE-798", "CWE-259"],
    CONNECTION_FIX,
  ),
  secretRule(
    "TL-SECRET-007",
    "NoEcho parameter with a default value",
    ["noecho-default"],
    "default for a NoEcho parameter",
    3,
    4,
    ["CWE-798", "CWE-1188"],
    NOECHO_FIX,
  ),
];
