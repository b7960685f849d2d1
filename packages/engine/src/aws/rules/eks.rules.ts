import { at, awsRule } from "./define.ts";

// TL-AWS-EKS: EKS.

export const EKS_RULES = [
  awsRule({
    id: "TL-AWS-EKS-001",
    title: "EKS API endpoint is public to the whole internet",
    category: "Spoofing",
    likelihood: 3,
    impact: 5,
    kinds: ["aws.eks.cluster"],
    description:
      "The Kubernetes API of cluster {resource} is reachable from 0.0.0.0/0; a leaked kubeconfig or an API vulnerability is exploitable from anywhere.",
    remediation:
      "Turn on the private endpoint and turn off the public one, or restrict PublicAccessCidrs to known networks.",
    fix: {
      cloudformation: "ResourcesVpcConfig:\n  EndpointPrivateAccess: true\n  EndpointPublicAccess: false",
      terraform: "vpc_config {\n  endpoint_private_access = true\n  endpoint_public_access  = false\n}",
    },
    cwe: ["CWE-284"],
    attack: ["T1133"],
    exposedBoost: 0,
    test: (node) =>
      node.attrs.publicEndpoint === true &&
      Array.isArray(node.attrs.publicCidrs) &&
      node.attrs.publicCidrs.includes("0.0.0.0/0") && { paths: [at(node, "publicEndpoint")] },
  }),
  awsRule({
    id: "TL-AWS-EKS-002",
    title: "EKS control plane audit logging is incomplete",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.eks.cluster"],
    description:
      "Cluster {resource} does not send api, audit and authenticator logs to CloudWatch: who did what to the cluster is not recorded.",
    remediation: "Enable at least the api, audit and authenticator log types.",
    fix: {
      cloudformation:
        "Logging:\n  ClusterLogging:\n    EnabledTypes:\n      - Type: api\n      - Type: audit\n      - Type: authenticator",
      terraform: 'enabled_cluster_log_types = ["api", "audit", "authenticator"]',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => {
      const types = (node.attrs.logTypes as unknown[]) ?? [];
      if (types.some((t) => typeof t === "object")) return null;
      const missing = ["api", "audit", "authenticator"].filter((t) => !types.includes(t));
      return (
        missing.length > 0 && {
          paths: [at(node, "logTypes")],
          detail: `Cluster ${node.id} does not log ${missing.join(", ")}.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-EKS-003",
    title: "EKS secrets are not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.eks.cluster"],
    description: "Cluster {resource} does not envelope-encrypt Kubernetes Secrets with a KMS key.",
    remediation: "Add an encryption config for the secrets resource with a customer-managed key.",
    fix: {
      cloudformation:
        "EncryptionConfig:\n  - Resources: [secrets]\n    Provider:\n      KeyArn: !GetAtt ClusterKey.Arn",
      terraform:
        'encryption_config {\n  resources = ["secrets"]\n  provider {\n    key_arn = aws_kms_key.cluster.arn\n  }\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.secretsEncrypted === false && { paths: [at(node, "secretsEncrypted")] },
  }),
];
