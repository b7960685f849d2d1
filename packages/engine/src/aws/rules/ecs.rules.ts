import type { Container } from "../kinds/compute.ts";
import { at, awsRule, secretsIn } from "./define.ts";

// TL-AWS-ECS: ECS.

const TASK = ["aws.ecs.task-definition"];

const containers = (attrs: Record<string, unknown>): Container[] =>
  Array.isArray(attrs.containers) ? (attrs.containers as Container[]) : [];

export const ECS_RULES = [
  awsRule({
    id: "TL-AWS-ECS-001",
    title: "ECS container runs privileged",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    kinds: TASK,
    description:
      "A container of task definition {resource} runs privileged: a compromise of the container is a compromise of the host.",
    remediation: "Remove Privileged; grant only the Linux capabilities the container needs.",
    fix: {
      cloudformation:
        "ContainerDefinitions:\n  - Name: app\n    Privileged: false\n    LinuxParameters:\n      Capabilities:\n        Drop: [ALL]",
      terraform:
        'container_definitions = jsonencode([{\n  name       = "app"\n  privileged = false\n  linuxParameters = { capabilities = { drop = ["ALL"] } }\n}])',
    },
    cwe: ["CWE-250"],
    attack: ["T1611"],
    test: (node) => {
      const bad = containers(node.attrs).filter((c) => c.privileged === true);
      return (
        bad.length > 0 && {
          paths: bad.map((c) => (c.path in node.propertyLines ? c.path : at(node, "containers"))),
          detail: `Containers ${bad.map((c) => (typeof c.name === "string" ? c.name : "?")).join(", ")} of ${node.id} run privileged.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-002",
    title: "Secrets in ECS container environment",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: TASK,
    description:
      "A container environment variable of {resource} holds a hard-coded secret, visible to anyone who can describe the task definition.",
    remediation: "Use the container definition's Secrets (valueFrom Secrets Manager or SSM) instead of Environment.",
    fix: {
      cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbSecret",
      terraform: 'secrets = [{\n  name      = "DB_PASSWORD"\n  valueFrom = aws_secretsmanager_secret.db.arn\n}]',
    },
    cwe: ["CWE-798", "CWE-526"],
    attack: ["T1552.001"],
    test: (node, ctx) => {
      const found = secretsIn(ctx, node, /ContainerDefinitions|container_definitions/);
      return (
        found.length > 0 && {
          paths: [...new Set(found.map((s) => (s.path in node.propertyLines ? s.path : at(node, "containers"))))],
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-003",
    title: "ECS container has no log configuration",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: TASK,
    description: "A container of {resource} sends its output nowhere: what it did cannot be reviewed.",
    remediation: "Configure the awslogs (or FireLens) log driver for every container.",
    fix: {
      cloudformation:
        "LogConfiguration:\n  LogDriver: awslogs\n  Options:\n    awslogs-group: !Ref AppLogs\n    awslogs-region: !Ref AWS::Region\n    awslogs-stream-prefix: app",
      terraform:
        'logConfiguration = {\n  logDriver = "awslogs"\n  options = {\n    awslogs-group         = aws_cloudwatch_log_group.app.name\n    awslogs-region        = "eu-west-1"\n    awslogs-stream-prefix = "app"\n  }\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => {
      const bad = containers(node.attrs).filter((c) => !c.logging);
      return (
        bad.length > 0 && { paths: bad.map((c) => (c.path in node.propertyLines ? c.path : at(node, "containers"))) }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-004",
    title: "ECS container root file system is writable",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: TASK,
    description:
      "A container of {resource} can write to its root file system, so an attacker can drop tools or alter binaries.",
    remediation: "Set ReadonlyRootFilesystem and mount writable volumes only where needed.",
    fix: {
      cloudformation: "ContainerDefinitions:\n  - Name: app\n    ReadonlyRootFilesystem: true",
      terraform: "readonlyRootFilesystem = true",
    },
    cwe: ["CWE-732"],
    attack: ["T1036"],
    exposedBoost: 0,
    test: (node) => {
      const bad = containers(node.attrs).filter((c) => c.readonlyRoot === false);
      return (
        bad.length > 0 && { paths: bad.map((c) => (c.path in node.propertyLines ? c.path : at(node, "containers"))) }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-005",
    title: "ECS task shares the host's network or process namespace",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: TASK,
    description:
      "Task definition {resource} uses host networking or the host PID namespace, so its containers see the host's interfaces or processes.",
    remediation: "Use awsvpc networking and task-level PID mode.",
    fix: {
      cloudformation: "Properties:\n  NetworkMode: awsvpc\n  PidMode: task",
      terraform: 'network_mode = "awsvpc"\npid_mode     = "task"',
    },
    cwe: ["CWE-250", "CWE-653"],
    attack: ["T1611"],
    test: (node) => {
      const paths = [
        node.attrs.networkMode === "host" ? at(node, "networkMode") : "",
        node.attrs.pidMode === "host" ? at(node, "pidMode") : "",
      ].filter(Boolean);
      return paths.length > 0 && { paths };
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-006",
    title: "ECS service assigns public IP addresses",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecs.service"],
    description:
      "Service {resource} gives its tasks public IP addresses; only security groups stand between them and the internet.",
    remediation: "Run tasks in private subnets behind a load balancer, with AssignPublicIp DISABLED.",
    fix: {
      cloudformation:
        "NetworkConfiguration:\n  AwsvpcConfiguration:\n    AssignPublicIp: DISABLED\n    Subnets:\n      - !Ref PrivateSubnet",
      terraform: "network_configuration {\n  assign_public_ip = false\n  subnets          = [aws_subnet.private.id]\n}",
    },
    cwe: ["CWE-284"],
    test: (node) => node.attrs.publicIp === true && { paths: [at(node, "publicIp")] },
  }),
  awsRule({
    id: "TL-AWS-ECS-007",
    title: "ECS cluster has Container Insights disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.ecs.cluster"],
    description: "Cluster {resource} collects no Container Insights metrics and events.",
    remediation: "Enable containerInsights in the cluster settings.",
    fix: {
      cloudformation: "Properties:\n  ClusterSettings:\n    - Name: containerInsights\n      Value: enabled",
      terraform: 'setting {\n  name  = "containerInsights"\n  value = "enabled"\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.insights === false && { paths: [at(node, "insights")] },
  }),
  awsRule({
    id: "TL-AWS-ECS-008",
    title: "ECS task mounts EFS without transit encryption",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecs.task-definition"],
    description:
      "Task definition {resource} mounts an EFS volume without TLS: file contents cross the network in plaintext.",
    remediation:
      "Set TransitEncryption to ENABLED on every EFS volume (and use an access point with IAM authorization).",
    fix: {
      cloudformation:
        "Volumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: !Ref FileSystem\n      TransitEncryption: ENABLED\n      AuthorizationConfig:\n        IAM: ENABLED",
      terraform:
        'volume {\n  name = "data"\n  efs_volume_configuration {\n    file_system_id     = aws_efs_file_system.data.id\n    transit_encryption = "ENABLED"\n    authorization_config {\n      iam = "ENABLED"\n    }\n  }\n}',
    },
    cwe: ["CWE-319"],
    test: (node) => {
      const paths = Array.isArray(node.attrs.efsPlaintext) ? (node.attrs.efsPlaintext as string[]) : [];
      return paths.length > 0 && { paths };
    },
  }),
];
