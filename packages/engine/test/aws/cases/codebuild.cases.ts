import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json } from "./fixtures.ts";

const codebuildCfn = (extra: string) =>
  one(
    "AWS::CodeBuild::Project",
    `ServiceRole: arn:aws:iam::111122223333:role/build\nSource: { Type: CODEPIPELINE }\nEnvironment:\n  Type: LINUX_CONTAINER\n  ComputeType: BUILD_GENERAL1_SMALL\n  Image: aws/codebuild/standard:7.0${extra}`,
  );

const codebuildTf = (extra: string) =>
  res(
    "aws_codebuild_project",
    `name = "build"\nservice_role = aws_iam_role.build.arn\nsource {\n  type = "CODEPIPELINE"\n}\nenvironment {\n  type = "LINUX_CONTAINER"\n  compute_type = "BUILD_GENERAL1_SMALL"\n  image = "aws/codebuild/standard:7.0"\n}${extra}`,
  );

export const CODEBUILD_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-CODEBUILD-001",
    cfn: {
      pos: [
        codebuildCfn("\nArtifacts: { Type: S3, Location: artifacts, EncryptionDisabled: true }"),
        codebuildCfn(
          "\nArtifacts: { Type: NO_ARTIFACTS }\nLogsConfig:\n  S3Logs: { Status: ENABLED, Location: logs/build, EncryptionDisabled: true }",
        ),
      ],
      neg: [
        codebuildCfn("\nArtifacts: { Type: S3, Location: artifacts }"),
        // EncryptionDisabled means nothing for pipeline artifacts (the pipeline's store encrypts them).
        codebuildCfn("\nArtifacts: { Type: CODEPIPELINE, EncryptionDisabled: true }"),
      ],
    },
    json: {
      pos: [
        json("AWS::CodeBuild::Project", {
          Artifacts: { Type: "S3", Location: "artifacts", EncryptionDisabled: "true" },
          Environment: { Type: "LINUX_CONTAINER", Image: "aws/codebuild/standard:7.0" },
        }),
      ],
      neg: [
        json("AWS::CodeBuild::Project", {
          Artifacts: { Type: "S3", Location: "artifacts", EncryptionDisabled: "false" },
        }),
      ],
    },
    tf: {
      pos: [codebuildTf('\nartifacts {\n  type = "S3"\n  location = "artifacts"\n  encryption_disabled = true\n}')],
      neg: [
        codebuildTf('\nartifacts {\n  type = "S3"\n  location = "artifacts"\n}'),
        codebuildTf(
          '\nartifacts {\n  type = "NO_ARTIFACTS"\n}\nlogs_config {\n  s3_logs {\n    status = "DISABLED"\n    encryption_disabled = true\n  }\n}',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-CODEBUILD-002",
    cfn: {
      pos: [codebuildCfn("\n  PrivilegedMode: true\nArtifacts: { Type: NO_ARTIFACTS }")],
      neg: [codebuildCfn("\n  PrivilegedMode: false\nArtifacts: { Type: NO_ARTIFACTS }")],
    },
    tf: {
      pos: [
        res(
          "aws_codebuild_project",
          'name = "b"\nenvironment {\n  type = "LINUX_CONTAINER"\n  image = "aws/codebuild/standard:7.0"\n  compute_type = "BUILD_GENERAL1_SMALL"\n  privileged_mode = true\n}',
        ),
      ],
      neg: [codebuildTf("")],
    },
  },
];
