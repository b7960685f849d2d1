import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-SM: Secrets Manager.

const companionsOf = (ctx: RuleContext, node: GraphNode, kinds: string[]): GraphNode[] =>
  ctx.in(node.id).filter((n) => kinds.includes(n.kind));

export const SM_RULES = [
  awsRule({
    id: "TL-AWS-SM-001",
    title: "Secret is never rotated",
    category: "Spoofing",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.secretsmanager.secret"],
    description: "Secret {resource} has no rotation schedule; a leaked value stays valid indefinitely.",
    remediation: "Add a rotation schedule with a rotation Lambda (or the managed rotation for RDS).",
    fix: {
      cloudformation:
        "SecretRotation:\n  Type: AWS::SecretsManager::RotationSchedule\n  Properties:\n    SecretId: !Ref Secret\n    RotationLambdaARN: !GetAtt RotationFunction.Arn\n    RotationRules:\n      AutomaticallyAfterDays: 30",
      terraform:
        'resource "aws_secretsmanager_secret_rotation" "this" {\n  secret_id           = aws_secretsmanager_secret.this.id\n  rotation_lambda_arn = aws_lambda_function.rotation.arn\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}',
    },
    cwe: ["CWE-324"],
    attack: ["T1552"],
    exposedBoost: 0,
    test: (node) => node.attrs.rotation === false && { paths: [at(node, "rotation")] },
  }),
  awsRule({
    id: "TL-AWS-SM-002",
    title: "Secret is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.secretsmanager.secret"],
    description:
      "Secret {resource} uses the AWS-managed key, whose policy cannot be narrowed and which cannot be shared across accounts.",
    remediation: "Encrypt the secret with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  KmsKeyId: !Ref SecretsKey",
      terraform: "kms_key_id = aws_kms_key.secrets.arn",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-SM-003",
    title: "Secret value is written in the template",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: ["aws.secretsmanager.secret"],
    description:
      "The value of secret {resource} is a literal in the template or module, so it is in version control, stack parameters and state.",
    remediation:
      "Generate the value (GenerateSecretString, random_password with ephemeral write-only arguments) or set it out of band.",
    fix: {
      cloudformation:
        'Properties:\n  GenerateSecretString:\n    SecretStringTemplate: \'{"username": "app"}\'\n    GenerateStringKey: password\n    PasswordLength: 32',
      terraform:
        'resource "random_password" "db" {\n  length = 32\n}\n# then secret_string = random_password.db.result (or set it outside Terraform)',
    },
    cwe: ["CWE-798", "CWE-312"],
    attack: ["T1552.001"],
    test: (node, ctx) =>
      node.attrs.literalValue === true && {
        paths: [at(node, "literalValue")],
        related: companionsOf(ctx, node, ["aws.secretsmanager.secret-config"]),
      },
  }),
  awsRule({
    id: "TL-AWS-SM-004",
    title: "Secret resource policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 5,
    kinds: policyKinds("aws.secretsmanager.secret"),
    description: 'The resource policy of secret {resource} allows Principal "*" without a condition.',
    remediation: "Grant the secret to named roles; block public policies (BlockPublicPolicy).",
    fix: {
      cloudformation:
        "SecretPolicy:\n  Type: AWS::SecretsManager::ResourcePolicy\n  Properties:\n    SecretId: !Ref Secret\n    BlockPublicPolicy: true\n    ResourcePolicy:\n      Statement:\n        - Effect: Allow\n          Principal:\n            AWS: !GetAtt AppRole.Arn\n          Action: secretsmanager:GetSecretValue\n          Resource: '*'",
      terraform:
        'resource "aws_secretsmanager_secret_policy" "this" {\n  secret_arn          = aws_secretsmanager_secret.this.arn\n  block_public_policy = true\n  policy              = data.aws_iam_policy_document.secret_readers.json\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1552"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.secretsmanager.secret"),
  }),
];
