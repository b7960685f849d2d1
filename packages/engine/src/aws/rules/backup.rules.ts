import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { awsRule } from "./define.ts";

// TL-AWS-BACKUP: AWS Backup.

export const BACKUP_RULES = [
  awsRule({
    id: "TL-AWS-BACKUP-001",
    title: "Backup vault access policy allows anyone",
    category: "Tampering",
    likelihood: 3,
    impact: 4,
    kinds: policyKinds("aws.backup.vault"),
    description:
      'The access policy of backup vault {resource} allows Principal "*" with no condition narrowing who: any AWS account can act on its recovery points (copy them out, restore or delete them, as the statement allows).',
    why: "A backup vault's policy is usually a Deny that protects recovery points from deletion; an Allow to everyone turns the last copy of the data into something anyone can take or destroy.",
    remediation:
      "Allow only the accounts of the organization (aws:PrincipalOrgID) to copy into the vault, and deny backup:DeleteRecoveryPoint to everyone but a break-glass role.",
    fix: {
      cloudformation:
        "AccessPolicy:\n  Statement:\n    - Effect: Deny\n      Principal: '*'\n      Action: backup:DeleteRecoveryPoint\n      Resource: '*'",
      terraform:
        'policy = jsonencode({\n  Statement = [{\n    Effect    = "Deny"\n    Principal = "*"\n    Action    = "backup:DeleteRecoveryPoint"\n    Resource  = "*"\n  }]\n})',
    },
    cwe: ["CWE-732"],
    attack: ["T1490", "T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.backup.vault"),
  }),
];
