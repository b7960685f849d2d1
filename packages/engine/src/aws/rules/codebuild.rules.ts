import { at, awsRule } from "./define.ts";

// TL-AWS-CODEBUILD: CodeBuild.

export const CODEBUILD_RULES = [
  awsRule({
    id: "TL-AWS-CODEBUILD-001",
    title: "CodeBuild project turns off encryption of its artifacts or logs",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.codebuild.project"],
    description:
      "Project {resource} writes build artifacts or S3 logs with encryption disabled: CodeBuild does not apply the project's KMS key to them (only the bucket's default encryption remains).",
    why: "Build artifacts and logs routinely contain packaged code, configuration and the occasional leaked credential.",
    remediation: "Remove EncryptionDisabled (artifacts and S3 logs are encrypted with the project's key by default).",
    fix: {
      cloudformation:
        "Properties:\n  Artifacts:\n    Type: S3\n    EncryptionDisabled: false\n  LogsConfig:\n    S3Logs:\n      Status: ENABLED\n      EncryptionDisabled: false",
      terraform:
        'artifacts {\n  type                = "S3"\n  encryption_disabled = false\n}\nlogs_config {\n  s3_logs {\n    status              = "ENABLED"\n    encryption_disabled = false\n  }\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => {
      const paths = [
        ...(node.attrs.unencryptedArtifacts === true ? [at(node, "unencryptedArtifacts")] : []),
        ...(node.attrs.unencryptedLogs === true ? [at(node, "unencryptedLogs")] : []),
      ];
      return paths.length > 0 && { paths };
    },
  }),
  awsRule({
    id: "TL-AWS-CODEBUILD-002",
    title: "CodeBuild project runs builds in privileged mode",
    category: "ElevationOfPrivilege",
    likelihood: 1,
    impact: 4,
    kinds: ["aws.codebuild.project"],
    description:
      "Project {resource} runs its build container privileged: build scripts (and any dependency they run) get root on the build host's Docker daemon.",
    why: "Privileged mode is needed to build Docker images; elsewhere it only widens what a poisoned dependency can do.",
    remediation: "Turn PrivilegedMode off unless the project builds container images.",
    fix: {
      cloudformation: "Properties:\n  Environment:\n    PrivilegedMode: false",
      terraform: "environment {\n  privileged_mode = false\n}",
    },
    cwe: ["CWE-250"],
    exposedBoost: 0,
    test: (node) => node.attrs.privileged === true && { paths: [at(node, "privileged")] },
  }),
];
