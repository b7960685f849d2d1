import { at, awsRule } from "./define.ts";

// TL-AWS-DAX: DynamoDB Accelerator (DAX).

export const DAX_RULES = [
  awsRule({
    id: "TL-AWS-DAX-001",
    title: "DAX cluster is not encrypted at rest",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.dax.cluster"],
    description: "DAX cluster {resource} caches table data on nodes without server-side encryption.",
    remediation: "Enable SSE (it can only be set when the cluster is created).",
    fix: {
      cloudformation: "Properties:\n  SSESpecification:\n    SSEEnabled: true",
      terraform: "server_side_encryption {\n  enabled = true\n}",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-DAX-002",
    title: "DAX cluster endpoint does not use TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.dax.cluster"],
    description: "Clients reach DAX cluster {resource} in plaintext: its endpoint encryption type is not TLS.",
    remediation: "Set the cluster endpoint encryption type to TLS (at creation).",
    fix: {
      cloudformation: "Properties:\n  ClusterEndpointEncryptionType: TLS",
      terraform: 'cluster_endpoint_encryption_type = "TLS"',
    },
    cwe: ["CWE-319"],
    test: (node) => (node.attrs.tls === false || node.attrs.tls === "NONE") && { paths: [at(node, "tls")] },
  }),
];
