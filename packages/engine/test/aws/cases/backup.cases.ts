import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { one, json, doc, orgOnly } from "./fixtures.ts";

export const BACKUP_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-BACKUP-001",
    cfn: {
      pos: [
        one(
          "AWS::Backup::BackupVault",
          "BackupVaultName: main\nAccessPolicy:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Principal: '*'\n      Action: [backup:CopyIntoBackupVault, backup:DeleteRecoveryPoint]\n      Resource: '*'",
          "Vault",
        ),
      ],
      neg: [
        one(
          "AWS::Backup::BackupVault",
          "BackupVaultName: main\nAccessPolicy:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Deny\n      Principal: '*'\n      Action: backup:DeleteRecoveryPoint\n      Resource: '*'",
          "Vault",
        ),
      ],
    },
    json: {
      pos: [
        json(
          "AWS::Backup::BackupVault",
          {
            BackupVaultName: "main",
            AccessPolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "backup:*", Resource: "*" }),
          },
          "Vault",
        ),
      ],
      neg: [
        json(
          "AWS::Backup::BackupVault",
          {
            BackupVaultName: "main",
            AccessPolicy: doc({
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "backup:CopyIntoBackupVault",
              Resource: "*",
              Condition: orgOnly,
            }),
          },
          "Vault",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_backup_vault" "main" {\n  name = "main"\n}\nresource "aws_backup_vault_policy" "main" {\n  backup_vault_name = aws_backup_vault.main.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["backup:CopyIntoBackupVault", "backup:DescribeBackupVault"], Resource = "*" }] })\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_backup_vault" "main" {\n  name = "main"\n}\nresource "aws_backup_vault_policy" "main" {\n  backup_vault_name = aws_backup_vault.main.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["backup:CopyIntoBackupVault"], Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } }] })\n}`,
        ),
      ],
    },
  },
];
