import { at, awsRule } from "./define.ts";

// TL-AWS-WORKSPACES: WorkSpaces.

export const WORKSPACES_RULES = [
  awsRule({
    id: "TL-AWS-WORKSPACES-001",
    title: "WorkSpace volumes are not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.workspaces.workspace"],
    description: "WorkSpace {resource} keeps its root or user volume unencrypted.",
    remediation: "Encrypt both the root and the user volume (with a KMS key).",
    fix: {
      cloudformation:
        "Properties:\n  RootVolumeEncryptionEnabled: true\n  UserVolumeEncryptionEnabled: true\n  VolumeEncryptionKey: !Ref DesktopKey",
      terraform:
        "root_volume_encryption_enabled = true\nuser_volume_encryption_enabled = true\nvolume_encryption_key          = aws_kms_key.desktop.arn",
    },
    cwe: ["CWE-311"],
    test: (node) => {
      const paths = [
        ...(node.attrs.rootEncrypted === false ? [at(node, "rootEncrypted")] : []),
        ...(node.attrs.userEncrypted === false ? [at(node, "userEncrypted")] : []),
      ];
      return paths.length > 0 && { paths };
    },
  }),
];
