import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

export const keyCfn = (props: string) =>
  cfn(`
  Key:
    Type: AWS::KMS::Key
    Properties:
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

export const rootKeyPolicy =
  "KeyPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: arn:aws:iam::111122223333:root }\n      Action: kms:*\n      Resource: '*'";

export const KMS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-KMS-001",
    cfn: {
      pos: [keyCfn(rootKeyPolicy)],
      neg: [keyCfn(`${rootKeyPolicy}\nEnableKeyRotation: true`), keyCfn(`${rootKeyPolicy}\nKeySpec: RSA_2048`)],
    },
    tf: {
      pos: [tf(`resource "aws_kms_key" "k" {\n  description = "k"\n}`)],
      neg: [tf(`resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}`)],
    },
  },
  {
    rule: "TL-AWS-KMS-002",
    cfn: {
      pos: [
        keyCfn(
          "KeyPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: '*'\n      Action: kms:Decrypt\n      Resource: '*'",
        ),
      ],
      neg: [keyCfn(rootKeyPolicy)],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_kms_key" "k" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }] })\n}`,
        ),
        tf(
          `resource "aws_kms_key" "k" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = "*", Condition = { StringNotEquals = { "kms:CallerAccount" = "111122223333" } } }] })\n}`,
        ),
        tf(
          `resource "aws_kms_key" "k" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", NotPrincipal = { AWS = "arn:aws:iam::111122223333:role/x" }, Action = "kms:Decrypt", Resource = "*" }] })\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_kms_key" "k" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = "*", Condition = { StringEquals = { "kms:CallerAccount" = "111122223333" } } }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-KMS-003",
    cfn: { pos: [keyCfn(`${rootKeyPolicy}\nPendingWindowInDays: 7`)], neg: [keyCfn(rootKeyPolicy)] },
    tf: {
      pos: [tf(`resource "aws_kms_key" "k" {\n  deletion_window_in_days = 7\n}`)],
      neg: [tf(`resource "aws_kms_key" "k" {\n  deletion_window_in_days = 30\n}`)],
    },
  },
];
