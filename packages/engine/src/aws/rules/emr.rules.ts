import { at, awsRule } from "./define.ts";

// TL-AWS-EMR: EMR.

export const EMR_RULES = [
  awsRule({
    id: "TL-AWS-EMR-001",
    title: "EMR security configuration does not encrypt data at rest",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.emr.security-configuration"],
    description:
      "Security configuration {resource} leaves data at rest unencrypted (at-rest encryption off, or on without local disk encryption).",
    why: "Without local disk encryption, HDFS blocks and shuffle data on the cluster's instance volumes are in the clear.",
    remediation: "Enable at-rest encryption with both S3 and local disk (KMS) encryption.",
    fix: {
      cloudformation:
        "Properties:\n  SecurityConfiguration:\n    EncryptionConfiguration:\n      EnableAtRestEncryption: true\n      AtRestEncryptionConfiguration:\n        S3EncryptionConfiguration: { EncryptionMode: SSE-KMS, AwsKmsKey: !Ref EmrKey }\n        LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: AwsKms, AwsKmsKey: !Ref EmrKey }",
      terraform:
        'configuration = jsonencode({\n  EncryptionConfiguration = {\n    EnableAtRestEncryption = true\n    AtRestEncryptionConfiguration = {\n      S3EncryptionConfiguration        = { EncryptionMode = "SSE-KMS", AwsKmsKey = aws_kms_key.emr.arn }\n      LocalDiskEncryptionConfiguration = { EncryptionKeyProviderType = "AwsKms", AwsKmsKey = aws_kms_key.emr.arn }\n    }\n  }\n})',
    },
    cwe: ["CWE-311"],
    test: (node) =>
      (node.attrs.atRest === false || node.attrs.localDisk === false) && {
        paths: [at(node, "atRest")],
        detail:
          node.attrs.atRest === false
            ? `Security configuration ${node.id} does not enable at-rest encryption.`
            : `Security configuration ${node.id} enables at-rest encryption without local disk encryption.`,
      },
  }),
  awsRule({
    id: "TL-AWS-EMR-002",
    title: "EMR security configuration does not encrypt data in transit",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.emr.security-configuration"],
    description:
      "Security configuration {resource} does not enable in-transit encryption between cluster nodes and clients.",
    remediation: "Enable in-transit encryption with a TLS certificate provider.",
    fix: {
      cloudformation:
        "EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  InTransitEncryptionConfiguration:\n    TLSCertificateConfiguration: { CertificateProviderType: PEM, S3Object: s3://certs/emr.zip }",
      terraform:
        'EnableInTransitEncryption = true\nInTransitEncryptionConfiguration = {\n  TLSCertificateConfiguration = { CertificateProviderType = "PEM", S3Object = "s3://certs/emr.zip" }\n}',
    },
    cwe: ["CWE-319"],
    test: (node) => node.attrs.inTransit === false && { paths: [at(node, "inTransit")] },
  }),
  awsRule({
    id: "TL-AWS-EMR-003",
    title: "EMR cluster has no security configuration",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.emr.cluster"],
    description:
      "Cluster {resource} names no security configuration: its local disks, data in transit and EMRFS data get no EMR-managed encryption.",
    remediation: "Create a security configuration with at-rest and in-transit encryption and attach it.",
    fix: {
      cloudformation: "Properties:\n  SecurityConfiguration: !Ref EmrSecurityConfiguration",
      terraform: "security_configuration = aws_emr_security_configuration.this.name",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.securityConfiguration === false && { paths: [at(node, "securityConfiguration")] },
  }),
];
