import {
  type Statement,
  inPolicyDocumentBlock,
  isAllow,
  everyonePrincipal,
  grantsEverything,
  narrowsSource,
  narrowsWho,
  principalAccounts,
} from "../policy.ts";
import { at, awsRule } from "./define.ts";
import { RESOURCE_POLICY_KINDS, policyHits, policyKinds, targetKindOf, whatOf } from "./resource-policy.ts";

// TL-AWS-RP: resource policies of any service.

/**
 * AWS services that act on a customer resource for whichever account configures them, and that set
 * aws:SourceArn / aws:SourceAccount when they do (AWS's "cross-service confused deputy prevention" pages):
 * log and event deliveries, notifications, CloudFront origin access.
 */
const DEPUTY_SERVICES = new Set([
  "s3",
  "sns",
  "events",
  "cloudwatch",
  "cloudtrail",
  "config",
  "delivery.logs",
  "logging.s3",
  "cloudfront",
  "logdelivery.elasticloadbalancing",
  "ses",
  "codestar-notifications",
  "budgets",
  "backup",
  "es",
  "route53",
  "guardduty",
]);

/** Resource kinds whose policies such services write to or read from. */
const DEPUTY_TARGETS = ["aws.s3.bucket", "aws.sns.topic", "aws.sqs.queue", "aws.logs.resource-policy"];

/** Bucket metadata a delivering service reads first (the ACL check of CloudTrail and Config): no data moves. */
const METADATA_ONLY = /^s3:(GetBucketAcl|GetBucketLocation|GetBucketPolicy|ListBucket)$/i;

function deputyServices(s: Statement): string[] {
  return s.principals.filter((p) => {
    const m = /^([a-z0-9.-]+)\.amazonaws\.com$/i.exec(p);
    return m !== null && DEPUTY_SERVICES.has(m[1]!.toLowerCase());
  });
}

/** The source condition written inside a jsonencode()d statement. */
const SOURCE_CONDITION_JSONENCODE = {
  cloudformation: "Condition:\n  StringEquals:\n    aws:SourceAccount: !Ref AWS::AccountId",
  terraform:
    '# in the statement that grants the service (or aws:SourceArn: the trail, rule, bucket or distribution)\nCondition = {\n  StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }\n}',
};

export const RP_RULES = [
  awsRule({
    id: "TL-AWS-RP-001",
    title: "Resource policy gives another AWS account every action",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: RESOURCE_POLICY_KINDS,
    description:
      "The resource policy of {resource} grants an AWS account named by number every action of the service (`*`, `service:*` or Allow with NotAction) with no condition narrowing who: anyone with administrator rights in that account controls the resource.",
    why: "Cross-account access is usually meant for one job (read objects, send messages); a wildcard lets the other account also delete, re-permission or exfiltrate. The key policy statement that gives a key's own account `kms:*` through its root principal is the documented default and is not reported.",
    remediation:
      "Grant the other account only the actions it needs, to a named role of that account, and narrow it with conditions (aws:PrincipalArn, aws:SourceArn).",
    fix: {
      cloudformation:
        '- Effect: Allow\n  Principal:\n    AWS: arn:aws:iam::111122223333:role/reader\n  Action:\n    - s3:GetObject\n  Resource: !Sub "${Bucket.Arn}/*"',
      terraform:
        'statement {\n  actions   = ["s3:GetObject"]\n  resources = ["${aws_s3_bucket.this.arn}/*"]\n  principals {\n    type        = "AWS"\n    identifiers = ["arn:aws:iam::111122223333:role/reader"]\n  }\n}',
    },
    cwe: ["CWE-269", "CWE-732"],
    attack: ["T1098", "T1537"],
    test: (node, ctx) => {
      const target = targetKindOf(node);
      if (!target) return null;
      return policyHits(ctx, node, target, (s) => {
        if (everyonePrincipal(s) || !grantsEverything(s) || s.conditionKeys.includes("unresolved")) return false;
        if (narrowsWho(s.conditions)) return false;
        let accounts = principalAccounts(s);
        // A key policy's `kms:*` to an account root is the default statement for the key's own account.
        if (target === "aws.kms.key")
          accounts = accounts.filter((a) =>
            s.principals.some((p) => p.includes(a) && !/^(\d{12}|arn:[^:]+:iam::\d{12}:root)$/.test(p)),
          );
        return accounts.length > 0 && `lets account ${accounts.join(", ")} ${whatOf(s)}`;
      });
    },
  }),
  awsRule({
    id: "TL-AWS-RP-002",
    title: "Resource grants an AWS service access with no source condition (confused deputy)",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 3,
    kinds: [...new Set([...DEPUTY_TARGETS.flatMap(policyKinds), "aws.lambda.permission"])],
    description:
      "{resource} lets an AWS service principal (CloudTrail, S3, SNS, EventBridge, CloudFront …) act on it with no aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition: the service acts for any account that configures it, so another account's trail, bucket, topic, rule or distribution can write to, publish to, invoke or read the resource through it (the cross-service confused deputy).",
    why: "AWS documents the cross-service confused deputy for these services and recommends the source condition keys in every resource policy and Lambda permission that grants a service principal. Statements that only let the service read bucket metadata (CloudTrail's GetBucketAcl check) and trust policies of service roles (the service can only use a role someone in the account passes it) are not reported.",
    remediation:
      "Add aws:SourceArn (the trail, bucket, topic, rule or distribution that uses the grant) or aws:SourceAccount to the statement; on a Lambda permission set SourceArn and SourceAccount.",
    fix: {
      cloudformation:
        "# on the statement that grants the service (or aws:SourceArn: the trail, rule, bucket or distribution)\nCondition:\n  StringEquals:\n    aws:SourceAccount: !Ref AWS::AccountId",
      terraform:
        '# in the statement that grants the service (or aws:SourceArn: the trail, rule, bucket or distribution)\ncondition {\n  test     = "StringEquals"\n  variable = "aws:SourceAccount"\n  values   = [data.aws_caller_identity.current.account_id]\n}',
    },
    cwe: ["CWE-441", "CWE-284"],
    attack: ["T1078.004"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (node.kind === "aws.lambda.permission") {
        const principal = node.attrs.principal;
        if (typeof principal !== "string" || !/\.amazonaws\.com$/i.test(principal)) return null;
        if (node.attrs.restricted !== false) return null;
        return {
          paths: [at(node, "principal")],
          related: ctx.out(node.id).filter((n) => n.kind === "aws.lambda.function"),
          detail: `Permission ${node.id} lets ${principal} invoke the function with no SourceArn or SourceAccount: a resource of that service in any account can be pointed at the function.`,
          fix: {
            cloudformation:
              "# the resource that invokes the function (an EventBridge rule, a bucket, a topic …)\nSourceArn: !GetAtt Rule.Arn\nSourceAccount: !Ref AWS::AccountId",
            terraform:
              "# the resource that invokes the function (an EventBridge rule, a bucket, a topic …)\nsource_arn     = aws_cloudwatch_event_rule.rule.arn\nsource_account = data.aws_caller_identity.current.account_id",
          },
        };
      }
      const target = targetKindOf(node);
      if (!target || !DEPUTY_TARGETS.includes(target)) return null;
      return policyHits(ctx, node, target, (s) => {
        if (!isAllow(s) || everyonePrincipal(s) || narrowsSource(s) || narrowsWho(s.conditions)) return false;
        const services = deputyServices(s);
        if (services.length === 0) return false;
        if (s.notActions.length === 0 && s.actions.length > 0 && s.actions.every((a) => METADATA_ONLY.test(a)))
          return false;
        const why = `lets ${services.join(", ")} ${whatOf(s)} for any account (no aws:SourceArn or aws:SourceAccount)`;
        // The rule's Terraform fix is a `data "aws_iam_policy_document"` condition block; a jsonencode()d or JSON
        // document takes the same condition in the policy language.
        return node.format === "cloudformation" || inPolicyDocumentBlock(s)
          ? why
          : { why, fix: SOURCE_CONDITION_JSONENCODE };
      });
    },
  }),
];
