import { at, awsRule } from "./define.ts";

// TL-AWS-ATHENA: Athena.

export const ATHENA_RULES = [
  awsRule({
    id: "TL-AWS-ATHENA-001",
    title: "Athena workgroup does not encrypt query results with a chosen key",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.athena.workgroup"],
    description:
      "Workgroup {resource} sets no encryption for query results: they land with whatever the output bucket applies (S3's default SSE-S3 since 2023), so no key policy limits who reads them.",
    why: "Query results often hold the most sensitive columns of a data lake, copied out of their governed tables.",
    remediation: "Encrypt query results with SSE_KMS (or CSE_KMS) and a customer-managed key.",
    fix: {
      cloudformation:
        "Properties:\n  WorkGroupConfiguration:\n    EnforceWorkGroupConfiguration: true\n    ResultConfiguration:\n      EncryptionConfiguration:\n        EncryptionOption: SSE_KMS\n        KmsKey: !GetAtt ResultsKey.Arn",
      terraform:
        'configuration {\n  enforce_workgroup_configuration = true\n  result_configuration {\n    encryption_configuration {\n      encryption_option = "SSE_KMS"\n      kms_key_arn       = aws_kms_key.results.arn\n    }\n  }\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.resultEncryption === false && { paths: [at(node, "resultEncryption")] },
  }),
  awsRule({
    id: "TL-AWS-ATHENA-002",
    title: "Athena workgroup lets clients override its settings",
    category: "Tampering",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.athena.workgroup"],
    description:
      "Workgroup {resource} does not enforce its configuration: each query may choose its own result location and turn result encryption off.",
    remediation: "Set EnforceWorkGroupConfiguration to true.",
    fix: {
      cloudformation: "Properties:\n  WorkGroupConfiguration:\n    EnforceWorkGroupConfiguration: true",
      terraform: "configuration {\n  enforce_workgroup_configuration = true\n}",
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) => node.attrs.enforced === false && { paths: [at(node, "enforced")] },
  }),
];
