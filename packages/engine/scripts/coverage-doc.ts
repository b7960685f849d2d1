/**
 * docs/coverage.md: which services and weaknesses the builtin rules check, generated from the rules' own
 * metadata (id, title, STRIDE category, likelihood × impact), so the page cannot drift from the engine.
 *
 * Run: `node --import tsx packages/engine/scripts/coverage-doc.ts` (writes docs/coverage.md and docs/rules); a unit test fails
 * when the page is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { severityFromScore, threatScore } from "@threatline/domain";
import { RULES } from "../src/rules/index.ts";
import type { Rule } from "../src/rules/types.ts";
import { writeRuleDocs } from "./rule-docs.ts";

export const COVERAGE_PATH = join(import.meta.dirname, "..", "..", "..", "docs", "coverage.md");

/** The service a rule id's second part names (`TL-AWS-MSK-001` → MSK), as a team would look it up. */
const AWS_SERVICES: Record<string, string> = {
  API: "API Gateway",
  ATHENA: "Athena",
  BACKUP: "AWS Backup",
  BATCH: "Batch",
  CF: "CloudFront",
  CODEBUILD: "CodeBuild",
  CONFIG: "AWS Config",
  CT: "CloudTrail",
  DAX: "DynamoDB Accelerator (DAX)",
  DDB: "DynamoDB",
  EC: "ElastiCache",
  EC2: "EC2 instances, launch templates and configurations, EBS",
  ECR: "ECR",
  ECS: "ECS",
  EFS: "EFS",
  EKS: "EKS",
  ELB: "Elastic Load Balancing",
  EMR: "EMR",
  GLACIER: "S3 Glacier vaults",
  IAM: "IAM (policies, roles, users, account password policy)",
  KINESIS: "Kinesis",
  KMS: "KMS",
  LAMBDA: "Lambda",
  LOGS: "CloudWatch Logs",
  MQ: "Amazon MQ",
  MSK: "MSK (Kafka)",
  OS: "OpenSearch",
  RDS: "RDS, Aurora, DocumentDB, Neptune",
  REDSHIFT: "Redshift",
  RP: "Resource policies (every service with one)",
  SAGEMAKER: "SageMaker",
  S3: "S3 (buckets and account public access block)",
  SG: "EC2 security groups",
  SM: "Secrets Manager",
  SNS: "SNS",
  SQS: "SQS",
  VPC: "VPC, subnets, network ACLs",
  WAF: "WAF",
  WORKSPACES: "WorkSpaces",
};

const FAMILIES: Record<string, string> = {
  AWS: "AWS (CloudFormation, Terraform, Terraform plan JSON)",
  COMBO: "Combinations across AWS resources",
  TF: "Terraform configuration",
  K8S: "Kubernetes",
  API: "OpenAPI",
  SECRET: "Hard-coded secrets (every format)",
  INJECT: "Instructions aimed at the LLM (every format)",
};

/** Families whose ids carry no service part (`TL-SECRET-001`). */
const FAMILY_SERVICES: Record<string, string> = {
  COMBO: "Cross-resource",
  SECRET: "Secrets in any file",
  INJECT: "Prompt injection",
};

function groupOf(rule: Rule): { family: string; service: string } {
  const [, family = "", part = ""] = rule.id.split("-");
  if (family === "AWS") return { family, service: AWS_SERVICES[part] ?? part };
  if (family === "TF" && part === "HTTP") return { family, service: 'data "http" sources' };
  return { family, service: FAMILY_SERVICES[family] ?? (/^\d+$/.test(part) ? family : part) };
}

/**
 * The services a team deploys and what is checked on each (issue #14, item 4), so a team can see coverage at a
 * glance. A unit test checks that every rule named here exists.
 * A row with no rules says why nothing can be checked in infrastructure as code.
 */
export const CHECKLIST: { service: string; checks: string; rules: string[] }[] = [
  {
    service: "Athena",
    checks: "query results encrypted with a chosen key; workgroup settings enforced",
    rules: ["TL-AWS-ATHENA-001", "TL-AWS-ATHENA-002"],
  },
  {
    service: "CodeBuild",
    checks: "artifact and log encryption not turned off; privileged builds",
    rules: ["TL-AWS-CODEBUILD-001", "TL-AWS-CODEBUILD-002"],
  },
  {
    service: "DynamoDB Accelerator (DAX)",
    checks: "encryption at rest; TLS endpoint",
    rules: ["TL-AWS-DAX-001", "TL-AWS-DAX-002"],
  },
  {
    service: "DynamoDB",
    checks: "customer-managed key; point-in-time recovery; deletion protection",
    rules: ["TL-AWS-DDB-001", "TL-AWS-DDB-002", "TL-AWS-DDB-003"],
  },
  {
    service: "EFS (and ECS task volumes)",
    checks:
      "encryption at rest; file system policy open to any principal; ECS EFS volumes without transit encryption; backups",
    rules: ["TL-AWS-EFS-001", "TL-AWS-EFS-003", "TL-AWS-ECS-008", "TL-AWS-EFS-002"],
  },
  {
    service: "EKS",
    checks: "secrets encrypted with KMS; public API endpoint; audit logs",
    rules: ["TL-AWS-EKS-003", "TL-AWS-EKS-001", "TL-AWS-EKS-002"],
  },
  {
    service: "EMR",
    checks: "encryption at rest and in transit; a security configuration at all",
    rules: ["TL-AWS-EMR-001", "TL-AWS-EMR-002", "TL-AWS-EMR-003"],
  },
  {
    service: "ElastiCache",
    checks: "encryption in transit and at rest; Redis AUTH",
    rules: ["TL-AWS-EC-001", "TL-AWS-EC-002", "TL-AWS-EC-003"],
  },
  {
    service: "MSK (Kafka)",
    checks: "plaintext traffic; public brokers; unauthenticated clients; customer-managed key",
    rules: ["TL-AWS-MSK-001", "TL-AWS-MSK-002", "TL-AWS-MSK-003", "TL-AWS-MSK-004"],
  },
  {
    service: "Amazon MQ",
    checks: "publicly accessible broker; customer-managed key; logs",
    rules: ["TL-AWS-MQ-001", "TL-AWS-MQ-002", "TL-AWS-MQ-003"],
  },
  {
    service: "RDS, Aurora, Neptune, DocumentDB (clusters and instances)",
    checks:
      "storage encryption; public access; literal master password; DocumentDB parameter group with TLS off; backups, IAM auth, logs",
    rules: ["TL-AWS-RDS-002", "TL-AWS-RDS-001", "TL-AWS-RDS-010", "TL-AWS-RDS-011"],
  },
  {
    service: "Redshift",
    checks: "encryption; publicly accessible; require_ssl; audit logging",
    rules: ["TL-AWS-REDSHIFT-002", "TL-AWS-REDSHIFT-001", "TL-AWS-REDSHIFT-004", "TL-AWS-REDSHIFT-003"],
  },
  {
    service: "SNS and SQS",
    checks:
      "encryption (customer-managed key where the data warrants); policies open to anyone; service grants without a source condition; HTTP subscriptions",
    rules: ["TL-AWS-SNS-001", "TL-AWS-SQS-001", "TL-AWS-SNS-002", "TL-AWS-SQS-002", "TL-AWS-RP-002", "TL-AWS-SNS-003"],
  },
  { service: "WorkSpaces", checks: "root and user volume encryption", rules: ["TL-AWS-WORKSPACES-001"] },
  {
    service: "Launch configurations and templates, instances",
    checks: "IMDSv1; public IPs; unencrypted volumes; secrets and plain-HTTP downloads in user data",
    rules: ["TL-AWS-EC2-001", "TL-AWS-EC2-002", "TL-AWS-EC2-003", "TL-AWS-EC2-004", "TL-AWS-EC2-005"],
  },
  {
    service: "S3 public access blocks",
    checks: "all four flags, on the bucket and on the account",
    rules: ["TL-AWS-S3-005", "TL-AWS-S3-012"],
  },
  {
    service: "TLS versions of CloudFront, OpenSearch, API Gateway custom domains, load balancers",
    checks:
      "outdated viewer and origin protocols; OpenSearch TLS policy; API custom domain TLS 1.0; ALB/NLB and classic ELB SSL policies",
    rules: ["TL-AWS-CF-002", "TL-AWS-CF-006", "TL-AWS-OS-005", "TL-AWS-API-007", "TL-AWS-ELB-002", "TL-AWS-ELB-008"],
  },
  {
    service: "API Gateway (REST)",
    checks:
      "cache encryption; resource policy opening a private API or cache control to anyone; methods without authorization",
    rules: ["TL-AWS-API-005", "TL-AWS-API-009", "TL-AWS-API-001"],
  },
  {
    service: "ECS task definitions",
    checks: "secrets in plain environment variables; privileged containers",
    rules: ["TL-AWS-ECS-002", "TL-AWS-ECS-001"],
  },
  {
    service: "IAM policies (identities, and the roles of state machines, functions and tasks)",
    checks: "wildcard actions and resources, NotAction/NotResource, PassRole on any role, escalation paths",
    rules: [
      "TL-AWS-IAM-001",
      "TL-AWS-IAM-002",
      "TL-AWS-IAM-003",
      "TL-AWS-IAM-008",
      "TL-AWS-IAM-009",
      "TL-AWS-IAM-010",
      "TL-AWS-IAM-011",
    ],
  },
  {
    service: "Resource policies",
    checks:
      "open to anyone or to another account's every action on S3, SQS, SNS, KMS, ECR, Secrets Manager, OpenSearch, EFS, Glacier, Backup, API Gateway, CloudWatch Logs; service grants without aws:SourceArn/SourceAccount (confused deputy)",
    rules: ["TL-AWS-RP-001", "TL-AWS-RP-002", "TL-AWS-GLACIER-001", "TL-AWS-BACKUP-001", "TL-AWS-LOGS-003"],
  },
  { service: "Account password policy", checks: "length, complexity, reuse, expiry", rules: ["TL-AWS-IAM-016"] },
  { service: "Config aggregators", checks: "all regions covered", rules: ["TL-AWS-CONFIG-001"] },
  { service: 'Terraform `data "http"`', checks: "a credential sent in a request header", rules: ["TL-TF-HTTP-001"] },
  {
    service: "Root account access keys",
    checks:
      "not checkable in infrastructure as code: the root user's access keys are not a resource CloudFormation or Terraform can create, describe or delete (only the root user can, in the console), so no template shows them. Check the IAM credential report or AWS Security Hub control IAM.4; IAM users' long-lived keys are checked",
    rules: ["TL-AWS-IAM-006"],
  },
];

function checklistSection(rules: readonly Rule[]): string {
  const known = new Set(rules.map((r) => r.id));
  const rows = CHECKLIST.map(({ service, checks, rules: ids }) => {
    return `| ${service} | ${checks.replaceAll("|", "\\|")} | ${ids
      .filter((id) => known.has(id))
      .map((id) => `\`${id}\``)
      .join(", ")} |`;
  });
  return [
    "## Services at a glance",
    "",
    "What is checked for the services teams deploy most; every rule is listed in the tables below.",
    "",
    "| service | what is checked | rules |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The page's Markdown before formatting. */
export function coverageMarkdown(rules: readonly Rule[] = RULES): string {
  const families = new Map<string, Map<string, Rule[]>>();
  for (const rule of rules) {
    const { family, service } = groupOf(rule);
    const services = families.get(family) ?? new Map<string, Rule[]>();
    families.set(family, services);
    services.set(service, [...(services.get(service) ?? []), rule]);
  }
  const order = Object.keys(FAMILIES);
  const sections = [...families.keys()]
    .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
    .map((family) => {
      const services = families.get(family)!;
      const rows = [...services.keys()]
        .sort((a, b) => a.localeCompare(b))
        .flatMap((service) =>
          services
            .get(service)!
            .sort((a, b) => a.id.localeCompare(b.id))
            .map(
              (r) =>
                `| ${service} | ${r.id} | ${r.title.replaceAll("|", "\\|")} | ${r.category} | ${severityFromScore(threatScore(r.likelihood, r.impact))} |`,
            ),
        );
      return [
        `## ${FAMILIES[family] ?? family}`,
        "",
        `${[...services.keys()].length} services or areas, ${rows.length} rules.`,
        "",
        "| service | rule | what is checked | STRIDE | base severity |",
        "|---|---|---|---|---|",
        ...rows,
      ].join("\n");
    });
  return [
    "# Coverage: what the builtin rules check",
    "",
    "Generated from the rules' metadata by `node --import tsx packages/engine/scripts/coverage-doc.ts`; a unit test",
    "fails when this page is stale. Base severity is likelihood × impact before adjustments: a resource reachable from",
    "the internet usually scores one step higher, and a weakness AWS now mitigates by default (S3 and SQS encryption,",
    "Redshift encryption of new clusters) is reported low. Each rule's fix, CWE and references are in its doc page",
    "(SARIF help text, `threatline rules`).",
    "",
    "Severity policy ([severity.md](severity.md)): critical and high are risks someone outside can use today (or a",
    "credential in the file); medium a missing control that matters once something else goes wrong; low is hygiene",
    "with a small real effect (a missing `maxLength`, undocumented 401/403/429); info is defence in depth or a default",
    "AWS already applies. The text report, the HTML and Markdown reports and the web app list critical to medium one",
    "by one and fold low and info per file (`12 low/info hygiene findings in api.yaml`).",
    "",
    `${rules.length} rules in all.`,
    "",
    checklistSection(rules),
    "",
    ...sections.flatMap((s) => [s, ""]),
  ].join("\n");
}

/** The page as `prettier --write` leaves it (the lint checks it). */
export async function coverageDoc(rules: readonly Rule[] = RULES): Promise<string> {
  return format(coverageMarkdown(rules), { ...(await resolveConfig(COVERAGE_PATH)), filepath: COVERAGE_PATH });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(COVERAGE_PATH, await coverageDoc());
  process.stdout.write(`${COVERAGE_PATH}: regenerated\n`);
  // The per-rule pages (docs/rules, SARIF's helpUri) come from the same metadata: regenerated with it.
  await writeRuleDocs();
}
