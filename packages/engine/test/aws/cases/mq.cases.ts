import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json } from "./fixtures.ts";

const mqGoodCfn = one(
  "AWS::AmazonMQ::Broker",
  "BrokerName: orders\nEngineType: ACTIVEMQ\nEngineVersion: 5.17.6\nHostInstanceType: mq.m5.large\nDeploymentMode: ACTIVE_STANDBY_MULTI_AZ\nPubliclyAccessible: false\nAutoMinorVersionUpgrade: true\nUsers: [{ Username: app, Password: '{{resolve:secretsmanager:mq}}' }]\nEncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/abc }\nLogs: { Audit: true, General: true }",
);

const mqGoodTf = res(
  "aws_mq_broker",
  'broker_name = "orders"\nengine_type = "ActiveMQ"\nengine_version = "5.17.6"\nhost_instance_type = "mq.m5.large"\npublicly_accessible = false\nuser {\n  username = "app"\n  password = var.mq_password\n}\nencryption_options {\n  use_aws_owned_key = false\n  kms_key_id = aws_kms_key.mq.arn\n}\nlogs {\n  audit = true\n  general = true\n}',
);

export const MQ_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-MQ-001",
    cfn: {
      pos: [one("AWS::AmazonMQ::Broker", "BrokerName: b\nEngineType: RABBITMQ\nPubliclyAccessible: true")],
      neg: [mqGoodCfn],
    },
    json: {
      pos: [json("AWS::AmazonMQ::Broker", { BrokerName: "b", EngineType: "ACTIVEMQ", PubliclyAccessible: "true" })],
      neg: [json("AWS::AmazonMQ::Broker", { BrokerName: "b", EngineType: "ACTIVEMQ", PubliclyAccessible: false })],
    },
    tf: {
      pos: [res("aws_mq_broker", 'broker_name = "b"\nengine_type = "RabbitMQ"\npublicly_accessible = true')],
      neg: [mqGoodTf],
    },
  },
  {
    rule: "TL-AWS-MQ-002",
    cfn: {
      pos: [one("AWS::AmazonMQ::Broker", "BrokerName: b\nEngineType: ACTIVEMQ\nPubliclyAccessible: false")],
      neg: [mqGoodCfn],
    },
    tf: { pos: [res("aws_mq_broker", 'broker_name = "b"\nengine_type = "ActiveMQ"')], neg: [mqGoodTf] },
  },
  {
    rule: "TL-AWS-MQ-003",
    cfn: {
      pos: [
        one(
          "AWS::AmazonMQ::Broker",
          "BrokerName: b\nEngineType: ACTIVEMQ\nPubliclyAccessible: false\nLogs: { General: true }",
        ),
      ],
      neg: [
        mqGoodCfn,
        one(
          "AWS::AmazonMQ::Broker",
          "BrokerName: b\nEngineType: RABBITMQ\nPubliclyAccessible: false\nLogs: { General: true }",
        ),
      ],
    },
    tf: {
      pos: [res("aws_mq_broker", 'broker_name = "b"\nengine_type = "RabbitMQ"')],
      neg: [mqGoodTf],
    },
  },
];
