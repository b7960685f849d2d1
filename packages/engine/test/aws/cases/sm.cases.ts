import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, publicStatement, publicStatementTf } from "./fixtures.ts";

export const SM_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-SM-001",
    cfn: {
      pos: [one("AWS::SecretsManager::Secret", "GenerateSecretString: { PasswordLength: 32 }")],
      neg: [
        cfn(
          `\n  Res:\n    Type: AWS::SecretsManager::Secret\n    Properties: { GenerateSecretString: { PasswordLength: 32 } }\n  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties: { SecretId: !Ref Res, RotationRules: { AutomaticallyAfterDays: 30 } }\n`,
        ),
      ],
    },
    tf: {
      pos: [res("aws_secretsmanager_secret", 'name = "s"')],
      neg: [
        tf(
          `resource "aws_secretsmanager_secret" "s" {\n  name = "s"\n}\nresource "aws_secretsmanager_secret_rotation" "s" {\n  secret_id = aws_secretsmanager_secret.s.id\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SM-002",
    cfn: {
      pos: [one("AWS::SecretsManager::Secret", "GenerateSecretString: { PasswordLength: 32 }")],
      neg: [one("AWS::SecretsManager::Secret", "KmsKeyId: alias/secrets")],
    },
    tf: {
      pos: [res("aws_secretsmanager_secret", 'name = "s"')],
      neg: [res("aws_secretsmanager_secret", 'kms_key_id = "alias/secrets"')],
    },
  },
  {
    rule: "TL-AWS-SM-003",
    cfn: {
      pos: [one("AWS::SecretsManager::Secret", 'SecretString: \'{"password": "hunter2hunter2"}\'')],
      neg: [one("AWS::SecretsManager::Secret", "GenerateSecretString: { PasswordLength: 32 }")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_secretsmanager_secret" "s" {}\nresource "aws_secretsmanager_secret_version" "s" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = "hunter2hunter2"\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_secretsmanager_secret" "s" {}\nresource "aws_secretsmanager_secret_version" "s" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = random_password.db.result\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SM-004",
    cfn: {
      pos: [
        cfn(
          `\n  Res:\n    Type: AWS::SecretsManager::Secret\n  Policy:\n    Type: AWS::SecretsManager::ResourcePolicy\n    Properties:\n      SecretId: !Ref Res\n      ResourcePolicy:\n        Statement:\n          ${publicStatement}\n`,
        ),
      ],
      neg: [one("AWS::SecretsManager::Secret", "KmsKeyId: alias/secrets")],
    },
    tf: {
      pos: [
        res("aws_secretsmanager_secret", `policy = jsonencode({ Statement = [${publicStatementTf}] })`),
        tf(
          `resource "aws_secretsmanager_secret_policy" "p" {\n  secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"\n  policy     = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [res("aws_secretsmanager_secret", 'name = "s"')],
    },
  },
];
