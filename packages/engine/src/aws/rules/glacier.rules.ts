import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { awsRule } from "./define.ts";

// TL-AWS-GLACIER: S3 Glacier vaults.

/** A resource policy rule's fix: a statement to a named principal of the owner's organization. */
function orgFix(service: string, action: string): { cloudformation: string; terraform: string } {
  return {
    cloudformation: `Statement:\n  - Effect: Allow\n    Principal:\n      AWS: arn:aws:iam::111122223333:role/${service}-reader\n    Action: ${action}\n    Resource: '*'`,
    terraform: `statement {\n  actions   = ["${action}"]\n  resources = ["*"]\n  principals {\n    type        = "AWS"\n    identifiers = ["arn:aws:iam::111122223333:role/${service}-reader"]\n  }\n}`,
  };
}

export const GLACIER_RULES = [
  awsRule({
    id: "TL-AWS-GLACIER-001",
    title: "Glacier vault access policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: policyKinds("aws.glacier.vault"),
    description:
      'The access policy of Glacier vault {resource} allows Principal "*" with no condition narrowing who: any AWS account can act on its archives (retrieve, upload or delete, as the statement allows).',
    remediation: "Grant the vault to named accounts or roles; restrict any `*` principal with aws:PrincipalOrgID.",
    fix: orgFix("vault", "glacier:InitiateJob"),
    cwe: ["CWE-732"],
    attack: ["T1530", "T1485"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.glacier.vault"),
  }),
];
