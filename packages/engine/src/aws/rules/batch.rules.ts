import { at, awsRule } from "./define.ts";

// TL-AWS-BATCH: AWS Batch.

export const BATCH_RULES = [
  awsRule({
    id: "TL-AWS-BATCH-001",
    title: "Batch job container runs privileged",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 5,
    kinds: ["aws.batch.job-definition"],
    description:
      "Job definition {resource} runs its container privileged: code in the job (or in an image it pulls) controls the host it runs on.",
    remediation: "Remove Privileged; grant only the Linux capabilities the job needs.",
    fix: {
      cloudformation: "Properties:\n  ContainerProperties:\n    Privileged: false",
      terraform: "container_properties = jsonencode({\n  privileged = false\n})",
    },
    cwe: ["CWE-250"],
    attack: ["T1611"],
    test: (node) => node.attrs.privileged === true && { paths: [at(node, "privileged")] },
  }),
];
