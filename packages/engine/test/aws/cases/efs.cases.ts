import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json, doc, orgOnly } from "./fixtures.ts";

const efsMount = {
  Effect: "Allow",
  Principal: { AWS: "*" },
  Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
};

const viaMountTarget = { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } };

export const EFS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-EFS-001",
    cfn: {
      pos: [one("AWS::EFS::FileSystem", "PerformanceMode: generalPurpose")],
      neg: [one("AWS::EFS::FileSystem", "Encrypted: true")],
    },
    tf: {
      pos: [res("aws_efs_file_system", 'creation_token = "fs"')],
      neg: [res("aws_efs_file_system", "encrypted = true")],
    },
  },
  {
    rule: "TL-AWS-EFS-002",
    cfn: {
      pos: [one("AWS::EFS::FileSystem", "Encrypted: true")],
      neg: [one("AWS::EFS::FileSystem", "Encrypted: true\nBackupPolicy: { Status: ENABLED }")],
    },
    tf: {
      pos: [res("aws_efs_file_system", "encrypted = true")],
      neg: [
        tf(
          `resource "aws_efs_file_system" "this" {\n  encrypted = true\n}\nresource "aws_efs_backup_policy" "this" {\n  file_system_id = aws_efs_file_system.this.id\n  backup_policy {\n    status = "ENABLED"\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-EFS-003",
    cfn: {
      pos: [
        one(
          "AWS::EFS::FileSystem",
          "Encrypted: true\nFileSystemPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: '*' }\n      Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientRootAccess]",
          "Files",
        ),
      ],
      neg: [
        one(
          "AWS::EFS::FileSystem",
          "Encrypted: true\nFileSystemPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: '*' }\n      Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite]\n      Condition:\n        Bool:\n          elasticfilesystem:AccessedViaMountTarget: 'true'",
          "Files",
        ),
        one("AWS::EFS::FileSystem", "Encrypted: true", "Files"),
      ],
    },
    json: {
      pos: [json("AWS::EFS::FileSystem", { Encrypted: true, FileSystemPolicy: doc(efsMount) }, "Files")],
      neg: [
        json(
          "AWS::EFS::FileSystem",
          { Encrypted: true, FileSystemPolicy: doc({ ...efsMount, Condition: viaMountTarget }) },
          "Files",
        ),
        json(
          "AWS::EFS::FileSystem",
          { Encrypted: true, FileSystemPolicy: doc({ ...efsMount, Condition: orgOnly }) },
          "Files",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_efs_file_system" "files" {\n  encrypted = true\n}\nresource "aws_efs_file_system_policy" "files" {\n  file_system_id = aws_efs_file_system.files.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] }] })\n}`,
        ),
        tf(
          `resource "aws_efs_file_system_policy" "files" {\n  file_system_id = "fs-0123456789abcdef0"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "elasticfilesystem:*" }] })\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_efs_file_system" "files" {\n  encrypted = true\n}\nresource "aws_efs_file_system_policy" "files" {\n  file_system_id = aws_efs_file_system.files.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["elasticfilesystem:ClientMount"], Condition = { Bool = { "elasticfilesystem:AccessedViaMountTarget" = "true" } } }] })\n}`,
        ),
        tf(
          `resource "aws_efs_file_system_policy" "files" {\n  file_system_id = "fs-0123456789abcdef0"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = "elasticfilesystem:ClientMount" }] })\n}`,
        ),
      ],
    },
  },
];
