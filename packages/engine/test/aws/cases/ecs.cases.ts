import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

const taskCfn = (container: string, props = "") =>
  cfn(`
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
${
  props
    ? props
        .split("\n")
        .map((l) => `      ${l}`)
        .join("\n") + "\n"
    : ""
}      ContainerDefinitions:
        - Name: app
          Image: app:1
${container
  .split("\n")
  .map((l) => `          ${l}`)
  .join("\n")}
`);

const goodContainerCfn = "ReadonlyRootFilesystem: true\nLogConfiguration: { LogDriver: awslogs }";

const taskTf = (container: string, extra = "") =>
  tf(`
  resource "aws_ecs_task_definition" "task" {
    family = "task"
${extra}
    container_definitions = jsonencode([{
      name  = "app"
      image = "app:1"
${container
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
    }])
  }
`);

const goodContainerTf = 'readonlyRootFilesystem = true\nlogConfiguration = { logDriver = "awslogs" }';

const efsTaskCfn = (transit: string) =>
  one(
    "AWS::ECS::TaskDefinition",
    `ContainerDefinitions:\n  - Name: app\n    Image: app:1\n    ReadonlyRootFilesystem: true\n    LogConfiguration: { LogDriver: awslogs }\nVolumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: fs-123${transit}`,
    "Task",
  );

const efsTaskTf = (transit: string) =>
  res(
    "aws_ecs_task_definition",
    `family = "app"\ncontainer_definitions = jsonencode([{ name = "app", image = "app:1", readonlyRootFilesystem = true, logConfiguration = { logDriver = "awslogs" } }])\nvolume {\n  name = "data"\n  efs_volume_configuration {\n    file_system_id = "fs-123"${transit}\n  }\n}`,
  );

export const ECS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-ECS-001",
    cfn: { pos: [taskCfn(`${goodContainerCfn}\nPrivileged: true`)], neg: [taskCfn(goodContainerCfn)] },
    tf: { pos: [taskTf(`${goodContainerTf}\nprivileged = true`)], neg: [taskTf(goodContainerTf)] },
  },
  {
    rule: "TL-AWS-ECS-002",
    cfn: {
      pos: [taskCfn(`${goodContainerCfn}\nEnvironment:\n  - { Name: DB_PASSWORD, Value: "Sup3rSecretValue!" }`)],
      neg: [taskCfn(`${goodContainerCfn}\nSecrets:\n  - { Name: DB_PASSWORD, ValueFrom: arn:aws:secretsmanager:x }`)],
    },
    tf: {
      pos: [
        taskTf(
          `${goodContainerTf}\nenvironment = [{ name = "AWS_SECRET_ACCESS_KEY", value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY" }]`,
        ),
      ],
      neg: [taskTf(goodContainerTf)],
    },
  },
  {
    rule: "TL-AWS-ECS-003",
    cfn: { pos: [taskCfn("ReadonlyRootFilesystem: true")], neg: [taskCfn(goodContainerCfn)] },
    tf: { pos: [taskTf("readonlyRootFilesystem = true")], neg: [taskTf(goodContainerTf)] },
  },
  {
    rule: "TL-AWS-ECS-004",
    cfn: { pos: [taskCfn("LogConfiguration: { LogDriver: awslogs }")], neg: [taskCfn(goodContainerCfn)] },
    tf: { pos: [taskTf('logConfiguration = { logDriver = "awslogs" }')], neg: [taskTf(goodContainerTf)] },
  },
  {
    rule: "TL-AWS-ECS-005",
    cfn: {
      pos: [taskCfn(goodContainerCfn, "NetworkMode: host"), taskCfn(goodContainerCfn, "PidMode: host")],
      neg: [taskCfn(goodContainerCfn, "NetworkMode: awsvpc")],
    },
    tf: {
      pos: [taskTf(goodContainerTf, '    network_mode = "host"')],
      neg: [taskTf(goodContainerTf, '    network_mode = "awsvpc"')],
    },
  },
  {
    rule: "TL-AWS-ECS-006",
    cfn: {
      pos: [
        cfn(
          `\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: ENABLED, Subnets: [subnet-1] } }\n`,
        ),
      ],
      neg: [
        cfn(
          `\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: DISABLED, Subnets: [subnet-1] } }\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_ecs_service" "s" {\n  name = "s"\n  network_configuration {\n    subnets          = ["subnet-1"]\n    assign_public_ip = true\n  }\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_ecs_service" "s" {\n  name = "s"\n  network_configuration {\n    subnets = ["subnet-1"]\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-ECS-007",
    cfn: {
      pos: [cfn(`\n  Cluster:\n    Type: AWS::ECS::Cluster\n    Properties: { ClusterName: c }\n`)],
      neg: [
        cfn(
          `\n  Cluster:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings: [{ Name: containerInsights, Value: enabled }]\n`,
        ),
      ],
    },
    tf: {
      pos: [tf(`resource "aws_ecs_cluster" "c" {\n  name = "c"\n}`)],
      neg: [
        tf(
          `resource "aws_ecs_cluster" "c" {\n  name = "c"\n  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-ECS-008",
    cfn: {
      pos: [efsTaskCfn(""), efsTaskCfn("\n      TransitEncryption: DISABLED")],
      neg: [efsTaskCfn("\n      TransitEncryption: ENABLED")],
    },
    tf: {
      pos: [efsTaskTf("")],
      neg: [efsTaskTf('\n    transit_encryption = "ENABLED"')],
    },
  },
];
