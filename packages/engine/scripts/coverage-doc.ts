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
    `${rules.length} rules in all.`,
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
