import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

const emrConfigCfn = (config: string) =>
  one("AWS::EMR::SecurityConfiguration", `SecurityConfiguration:\n${config.replace(/^/gm, "  ")}`);

const emrFull =
  "EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  InTransitEncryptionConfiguration:\n    TLSCertificateConfiguration: { CertificateProviderType: PEM, S3Object: s3://certs/c.zip }\n  EnableAtRestEncryption: true\n  AtRestEncryptionConfiguration:\n    S3EncryptionConfiguration: { EncryptionMode: SSE-S3 }\n    LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: AwsKms, AwsKmsKey: arn:aws:kms:eu-west-1:111122223333:key/abc }";

const emrConfigTf = (config: string) =>
  res("aws_emr_security_configuration", `name = "emr"\nconfiguration = <<EOF\n${config}\nEOF`);

const emrFullJson = JSON.stringify({
  EncryptionConfiguration: {
    EnableInTransitEncryption: true,
    InTransitEncryptionConfiguration: {
      TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://certs/c.zip" },
    },
    EnableAtRestEncryption: true,
    AtRestEncryptionConfiguration: {
      S3EncryptionConfiguration: { EncryptionMode: "SSE-S3" },
      LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: "arn:aws:kms:x" },
    },
  },
});

export const EMR_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-EMR-001",
    cfn: {
      pos: [
        emrConfigCfn("EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  EnableAtRestEncryption: false"),
        emrConfigCfn(
          "EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  EnableAtRestEncryption: true\n  AtRestEncryptionConfiguration:\n    S3EncryptionConfiguration: { EncryptionMode: SSE-S3 }",
        ),
      ],
      neg: [emrConfigCfn(emrFull)],
    },
    tf: {
      pos: [
        emrConfigTf(
          '{"EncryptionConfiguration": {"EnableAtRestEncryption": false, "EnableInTransitEncryption": true}}',
        ),
      ],
      neg: [emrConfigTf(emrFullJson)],
    },
  },
  {
    rule: "TL-AWS-EMR-002",
    cfn: {
      pos: [
        emrConfigCfn("EncryptionConfiguration:\n  EnableInTransitEncryption: false\n  EnableAtRestEncryption: false"),
      ],
      neg: [emrConfigCfn(emrFull)],
    },
    tf: {
      pos: [
        res(
          "aws_emr_security_configuration",
          'name = "emr"\nconfiguration = jsonencode({ EncryptionConfiguration = { EnableInTransitEncryption = false, EnableAtRestEncryption = false } })',
        ),
      ],
      neg: [emrConfigTf(emrFullJson)],
    },
  },
  {
    rule: "TL-AWS-EMR-003",
    cfn: {
      pos: [
        one(
          "AWS::EMR::Cluster",
          "Name: etl\nReleaseLabel: emr-7.0.0\nInstances: { Ec2SubnetId: subnet-1 }\nJobFlowRole: r\nServiceRole: s",
        ),
      ],
      neg: [
        one(
          "AWS::EMR::Cluster",
          "Name: etl\nReleaseLabel: emr-7.0.0\nInstances: { Ec2SubnetId: subnet-1 }\nJobFlowRole: r\nServiceRole: s\nSecurityConfiguration: emr-encrypted",
        ),
      ],
    },
    tf: {
      pos: [res("aws_emr_cluster", 'name = "etl"\nrelease_label = "emr-7.0.0"\nservice_role = "s"')],
      neg: [
        res(
          "aws_emr_cluster",
          'name = "etl"\nrelease_label = "emr-7.0.0"\nservice_role = "s"\nsecurity_configuration = aws_emr_security_configuration.this.name',
        ),
      ],
    },
  },
];
