import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, publicStatement, publicStatementTf } from "./fixtures.ts";

export const ECR_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-ECR-001",
    cfn: {
      pos: [one("AWS::ECR::Repository", "RepositoryName: app")],
      neg: [one("AWS::ECR::Repository", "ImageTagMutability: IMMUTABLE")],
    },
    tf: {
      pos: [res("aws_ecr_repository", 'name = "app"')],
      neg: [res("aws_ecr_repository", 'image_tag_mutability = "IMMUTABLE"')],
    },
  },
  {
    rule: "TL-AWS-ECR-002",
    cfn: {
      pos: [one("AWS::ECR::Repository", "RepositoryName: app")],
      neg: [one("AWS::ECR::Repository", "ImageScanningConfiguration: { ScanOnPush: true }")],
    },
    tf: {
      pos: [res("aws_ecr_repository", 'name = "app"')],
      neg: [res("aws_ecr_repository", "image_scanning_configuration {\n  scan_on_push = true\n}")],
    },
  },
  {
    rule: "TL-AWS-ECR-003",
    cfn: {
      pos: [one("AWS::ECR::Repository", `RepositoryPolicyText:\n  Statement:\n    ${publicStatement}`)],
      neg: [one("AWS::ECR::Repository", "RepositoryName: app")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_ecr_repository" "app" {}\nresource "aws_ecr_repository_policy" "app" {\n  repository = aws_ecr_repository.app.name\n  policy     = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
        tf(
          `resource "aws_ecr_repository_policy" "app" {\n  repository = "app-of-another-stack"\n  policy     = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [res("aws_ecr_repository", 'name = "app"')],
    },
  },
  {
    rule: "TL-AWS-ECR-004",
    cfn: {
      pos: [one("AWS::ECR::Repository", "RepositoryName: app")],
      neg: [one("AWS::ECR::Repository", "EncryptionConfiguration: { EncryptionType: KMS }")],
    },
    tf: {
      pos: [res("aws_ecr_repository", 'name = "app"')],
      neg: [res("aws_ecr_repository", 'encryption_configuration {\n  encryption_type = "KMS"\n}')],
    },
  },
];
