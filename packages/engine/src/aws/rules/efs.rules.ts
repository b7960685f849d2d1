import { fencedByDeny, isPublicPrincipal, type Statement } from "../policy.ts";
import { policyHits, policyKinds, whatOf, whoOf } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";
import { list } from "../values.ts";

// TL-AWS-EFS: EFS.

/**
 * `Bool elasticfilesystem:AccessedViaMountTarget true`: only NFS clients that reach one of the file system's
 * mount targets (inside its VPC) are granted — the console's "prevent anonymous access" statement.
 */
function viaMountTarget(s: Statement): boolean {
  return Object.entries(s.conditions).some(
    ([operator, body]) =>
      /^Bool$/i.test(operator) &&
      Object.entries(body).some(
        ([key, value]) =>
          key.toLowerCase() === "elasticfilesystem:accessedviamounttarget" &&
          list(value).some((v) => v === true || (typeof v === "string" && v.toLowerCase() === "true")),
      ),
  );
}

export const EFS_RULES = [
  awsRule({
    id: "TL-AWS-EFS-001",
    title: "EFS file system is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.efs.file-system"],
    description: "File system {resource} stores its data unencrypted.",
    remediation: "Enable encryption at rest (requires a new file system).",
    fix: {
      cloudformation: "Properties:\n  Encrypted: true\n  KmsKeyId: !Ref FilesKey",
      terraform: "encrypted  = true\nkms_key_id = aws_kms_key.files.arn",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-EFS-002",
    title: "EFS file system has no backup policy",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.efs.file-system"],
    description: "File system {resource} is not backed up automatically.",
    remediation: "Enable the EFS backup policy (AWS Backup).",
    fix: {
      cloudformation: "Properties:\n  BackupPolicy:\n    Status: ENABLED",
      terraform:
        'resource "aws_efs_backup_policy" "this" {\n  file_system_id = aws_efs_file_system.this.id\n  backup_policy {\n    status = "ENABLED"\n  }\n}',
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) => node.attrs.backup === false && { paths: [at(node, "backup")] },
  }),
  awsRule({
    id: "TL-AWS-EFS-003",
    title: "EFS file system policy allows any AWS principal",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: policyKinds("aws.efs.file-system"),
    description:
      'The file system policy of {resource} allows Principal "*" with no condition narrowing who (no aws:PrincipalOrgID, aws:SourceVpc, access point or mount-target condition): any AWS principal that can reach a mount target may mount, write to or act as root on it.',
    why: 'With IAM authorization on, a file system policy is what decides who mounts; a statement granting `*` hands that decision back to the network alone. The console\'s "prevent anonymous access" statement (`elasticfilesystem:AccessedViaMountTarget`) and statements limited to an access point or the organization are not reported.',
    remediation:
      "Grant mount and write to the roles that use the file system, or limit `*` with aws:PrincipalOrgID or elasticfilesystem:AccessedViaMountTarget, and never grant ClientRootAccess broadly.",
    fix: {
      cloudformation:
        "FileSystemPolicy:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !GetAtt AppRole.Arn\n      Action:\n        - elasticfilesystem:ClientMount\n        - elasticfilesystem:ClientWrite",
      terraform:
        'statement {\n  actions = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]\n  principals {\n    type        = "AWS"\n    identifiers = [aws_iam_role.app.arn]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1530"],
    exposedBoost: 0,
    test: (node, ctx) =>
      policyHits(
        ctx,
        node,
        "aws.efs.file-system",
        (s, all) =>
          isPublicPrincipal(s) &&
          !fencedByDeny(s, all) &&
          !viaMountTarget(s) &&
          `lets ${whoOf(s)} ${whatOf(s)} with no condition narrowing who`,
      ),
  }),
];
