import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json } from "./fixtures.ts";

const mskGoodCfn = one(
  "AWS::MSK::Cluster",
  "ClusterName: events\nKafkaVersion: 3.6.0\nNumberOfBrokerNodes: 3\nBrokerNodeGroupInfo:\n  InstanceType: kafka.m5.large\n  ClientSubnets: [subnet-1, subnet-2, subnet-3]\nEncryptionInfo:\n  EncryptionAtRest: { DataVolumeKMSKeyId: arn:aws:kms:eu-west-1:111122223333:key/abc }\n  EncryptionInTransit: { ClientBroker: TLS, InCluster: true }\nClientAuthentication:\n  Sasl: { Iam: { Enabled: true } }",
);

const mskGoodTf = res(
  "aws_msk_cluster",
  'cluster_name = "events"\nkafka_version = "3.6.0"\nnumber_of_broker_nodes = 3\nbroker_node_group_info {\n  instance_type = "kafka.m5.large"\n  client_subnets = ["subnet-1", "subnet-2", "subnet-3"]\n}\nencryption_info {\n  encryption_at_rest_kms_key_arn = aws_kms_key.kafka.arn\n  encryption_in_transit {\n    client_broker = "TLS"\n    in_cluster = true\n  }\n}\nclient_authentication {\n  sasl {\n    iam = true\n  }\n}',
);

export const MSK_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-MSK-001",
    cfn: {
      pos: [
        one(
          "AWS::MSK::Cluster",
          "ClusterName: e\nKafkaVersion: 3.6.0\nNumberOfBrokerNodes: 3\nBrokerNodeGroupInfo: { InstanceType: kafka.m5.large, ClientSubnets: [a, b, c] }\nEncryptionInfo:\n  EncryptionInTransit: { ClientBroker: TLS_PLAINTEXT }",
        ),
      ],
      neg: [mskGoodCfn],
    },
    json: {
      pos: [
        json("AWS::MSK::Cluster", {
          ClusterName: "e",
          EncryptionInfo: { EncryptionInTransit: { ClientBroker: "TLS", InCluster: false } },
        }),
      ],
      neg: [
        json("AWS::MSK::Cluster", {
          ClusterName: "e",
          EncryptionInfo: { EncryptionInTransit: { ClientBroker: "TLS", InCluster: true } },
        }),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_msk_cluster",
          'cluster_name = "e"\nencryption_info {\n  encryption_in_transit {\n    client_broker = "PLAINTEXT"\n  }\n}',
        ),
      ],
      neg: [mskGoodTf],
    },
  },
  {
    rule: "TL-AWS-MSK-002",
    cfn: {
      pos: [
        one(
          "AWS::MSK::Cluster",
          "ClusterName: e\nBrokerNodeGroupInfo:\n  InstanceType: kafka.m5.large\n  ClientSubnets: [a, b, c]\n  ConnectivityInfo:\n    PublicAccess: { Type: SERVICE_PROVIDED_EIPS }\nClientAuthentication:\n  Sasl: { Iam: { Enabled: true } }",
        ),
      ],
      neg: [mskGoodCfn],
    },
    tf: {
      pos: [
        res(
          "aws_msk_cluster",
          'cluster_name = "e"\nbroker_node_group_info {\n  instance_type = "kafka.m5.large"\n  connectivity_info {\n    public_access {\n      type = "SERVICE_PROVIDED_EIPS"\n    }\n  }\n}',
        ),
      ],
      neg: [mskGoodTf],
    },
  },
  {
    rule: "TL-AWS-MSK-003",
    cfn: {
      pos: [
        one("AWS::MSK::Cluster", "ClusterName: e\nKafkaVersion: 3.6.0"),
        one(
          "AWS::MSK::Cluster",
          "ClusterName: e\nClientAuthentication:\n  Unauthenticated: { Enabled: true }\n  Sasl: { Iam: { Enabled: true } }",
        ),
      ],
      neg: [mskGoodCfn],
    },
    tf: {
      pos: [res("aws_msk_cluster", 'cluster_name = "e"')],
      neg: [mskGoodTf],
    },
  },
  {
    rule: "TL-AWS-MSK-004",
    cfn: { pos: [one("AWS::MSK::Cluster", "ClusterName: e")], neg: [mskGoodCfn] },
    tf: { pos: [res("aws_msk_cluster", 'cluster_name = "e"')], neg: [mskGoodTf] },
  },
];
