import { at, awsRule } from "./define.ts";

// TL-AWS-MSK: Amazon MSK.

const WEAK_TLS_MSK = new Set(["PLAINTEXT", "TLS_PLAINTEXT"]);

export const MSK_RULES = [
  awsRule({
    id: "TL-AWS-MSK-001",
    title: "MSK cluster accepts plaintext traffic",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.msk.cluster"],
    description: "Cluster {resource} lets clients or brokers exchange records in plaintext.",
    remediation: "Set client-broker encryption to TLS and keep in-cluster encryption on.",
    fix: {
      cloudformation:
        "Properties:\n  EncryptionInfo:\n    EncryptionInTransit:\n      ClientBroker: TLS\n      InCluster: true",
      terraform:
        'encryption_info {\n  encryption_in_transit {\n    client_broker = "TLS"\n    in_cluster    = true\n  }\n}',
    },
    cwe: ["CWE-319"],
    test: (node) => {
      const broker = node.attrs.clientBroker;
      const details = [
        ...(typeof broker === "string" && WEAK_TLS_MSK.has(broker) ? [`client-broker traffic allows ${broker}`] : []),
        ...(node.attrs.inCluster === false ? ["broker-to-broker traffic is not encrypted"] : []),
      ];
      return (
        details.length > 0 && {
          paths: [at(node, "clientBroker")],
          detail: `Cluster ${node.id}: ${details.join("; ")}.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-MSK-002",
    title: "MSK cluster brokers are publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.msk.cluster"],
    description:
      "Cluster {resource} gives its brokers public IP addresses: the Kafka listeners are reachable from the internet.",
    remediation: "Turn public access off and reach the brokers through the VPC (PrivateLink or peering).",
    fix: {
      cloudformation:
        "Properties:\n  BrokerNodeGroupInfo:\n    ConnectivityInfo:\n      PublicAccess:\n        Type: DISABLED",
      terraform:
        'broker_node_group_info {\n  connectivity_info {\n    public_access {\n      type = "DISABLED"\n    }\n  }\n}',
    },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node) => node.attrs.publicAccess === "SERVICE_PROVIDED_EIPS" && { paths: [at(node, "publicAccess")] },
  }),
  awsRule({
    id: "TL-AWS-MSK-003",
    title: "MSK cluster allows unauthenticated clients",
    category: "Spoofing",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.msk.cluster"],
    description:
      "Cluster {resource} accepts clients without authentication (no IAM, SASL/SCRAM or TLS client certificates): anything in the network can produce and consume.",
    remediation: "Require IAM or SASL/SCRAM (or mutual TLS) client authentication and turn unauthenticated access off.",
    fix: {
      cloudformation:
        "Properties:\n  ClientAuthentication:\n    Sasl:\n      Iam:\n        Enabled: true\n    Unauthenticated:\n      Enabled: false",
      terraform: "client_authentication {\n  unauthenticated = false\n  sasl {\n    iam = true\n  }\n}",
    },
    cwe: ["CWE-306"],
    test: (node) => node.attrs.unauthenticated === true && { paths: [at(node, "unauthenticated")] },
  }),
  awsRule({
    id: "TL-AWS-MSK-004",
    title: "MSK cluster is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.msk.cluster"],
    description:
      "Cluster {resource} encrypts its volumes with the AWS-managed key, so no key policy of yours limits who can read the data.",
    remediation: "Encrypt the data volumes with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  EncryptionInfo:\n    EncryptionAtRest:\n      DataVolumeKMSKeyId: !Ref KafkaKey",
      terraform: "encryption_info {\n  encryption_at_rest_kms_key_arn = aws_kms_key.kafka.arn\n}",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
];
