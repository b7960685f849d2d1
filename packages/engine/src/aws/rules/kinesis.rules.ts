import { at, awsRule } from "./define.ts";

// TL-AWS-KINESIS: Kinesis.

export const KINESIS_RULES = [
  awsRule({
    id: "TL-AWS-KINESIS-001",
    title: "Kinesis stream is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.kinesis.stream"],
    description: "Stream {resource} stores records unencrypted.",
    remediation: "Enable server-side encryption with KMS.",
    fix: {
      cloudformation: "Properties:\n  StreamEncryption:\n    EncryptionType: KMS\n    KeyId: alias/aws/kinesis",
      terraform: 'encryption_type = "KMS"\nkms_key_id      = "alias/aws/kinesis"',
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
];
