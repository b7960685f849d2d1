import { cfn, tf, type RuleCase } from "../harness.ts";

const fnCfn = (props: string, extra = "") =>
  cfn(`
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/fn
      Code: { ZipFile: "exports.handler = async () => 1" }
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
${extra}`);
const goodFnCfn = fnCfn(
  "Runtime: python3.12\nDeadLetterConfig: { TargetArn: arn:aws:sqs:eu-west-1:111122223333:dlq }\nReservedConcurrentExecutions: 10\nTracingConfig: { Mode: Active }\nKmsKeyArn: arn:aws:kms:x\nEnvironment: { Variables: { TABLE: orders } }",
);
const fnTf = (body: string, extra = "") =>
  tf(`
  resource "aws_lambda_function" "fn" {
    function_name = "fn"
    role          = "arn:aws:iam::111122223333:role/fn"
    handler       = "index.handler"
${body
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
  }
${extra}`);
const goodFnTf = fnTf(
  'runtime = "nodejs20.x"\nreserved_concurrent_executions = 10\nkms_key_arn = "arn:aws:kms:x"\ndead_letter_config {\n  target_arn = "arn:aws:sqs:x"\n}\ntracing_config {\n  mode = "Active"\n}\nenvironment {\n  variables = {\n    TABLE = "orders"\n  }\n}',
);

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

const eksCfn = (props: string) =>
  cfn(`
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);
const goodEksCfn = eksCfn(
  "ResourcesVpcConfig: { SubnetIds: [subnet-1], EndpointPublicAccess: false, EndpointPrivateAccess: true }\nLogging: { ClusterLogging: { EnabledTypes: [{ Type: api }, { Type: audit }, { Type: authenticator }] } }\nEncryptionConfig:\n  - Resources: [secrets]\n    Provider: { KeyArn: arn:aws:kms:x }",
);
const eksTf = (body: string) =>
  tf(`resource "aws_eks_cluster" "c" {\n  name = "c"\n  role_arn = "arn:aws:iam::111122223333:role/eks"\n${body}\n}`);
const goodEksTf = eksTf(
  '  vpc_config {\n    subnet_ids = ["subnet-1"]\n    endpoint_public_access = false\n  }\n  enabled_cluster_log_types = ["api", "audit", "authenticator"]\n  encryption_config {\n    resources = ["secrets"]\n    provider {\n      key_arn = "arn:aws:kms:x"\n    }\n  }',
);

export const COMPUTE_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-LAMBDA-001",
    cfn: {
      pos: [
        fnCfn(
          "Runtime: python3.12",
          "  Nightly:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 day)\n      Targets: [{ Id: fn, Arn: !GetAtt Fn.Arn }]\n",
        ),
      ],
      // A function nothing invokes asynchronously has no events to drop.
      neg: [goodFnCfn, fnCfn("Runtime: python3.12")],
    },
    tf: {
      pos: [
        fnTf(
          'runtime = "python3.12"',
          'resource "aws_lambda_permission" "s3" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.fn.function_name\n  principal     = "s3.amazonaws.com"\n}',
        ),
      ],
      neg: [goodFnTf, fnTf('runtime = "python3.12"')],
    },
  },
  {
    rule: "TL-AWS-LAMBDA-002",
    cfn: { pos: [fnCfn("Runtime: python3.12")], neg: [goodFnCfn] },
    tf: { pos: [fnTf('runtime = "python3.12"\nreserved_concurrent_executions = -1')], neg: [goodFnTf] },
  },
  {
    rule: "TL-AWS-LAMBDA-003",
    cfn: {
      pos: [
        fnCfn(
          "Runtime: python3.12",
          "  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Fn.Arn\n      AuthType: NONE\n",
        ),
        cfn(
          `
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              CodeUri: src/
              FunctionUrlConfig: { AuthType: NONE }
        `,
          "Transform: AWS::Serverless-2016-10-31\n",
        ),
      ],
      neg: [
        fnCfn(
          "Runtime: python3.12",
          "  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Fn.Arn\n      AuthType: AWS_IAM\n",
        ),
      ],
    },
    tf: {
      pos: [
        fnTf(
          'runtime = "python3.12"',
          'resource "aws_lambda_function_url" "fn" {\n  function_name      = aws_lambda_function.fn.function_name\n  authorization_type = "NONE"\n}',
        ),
      ],
      neg: [goodFnTf],
    },
  },
  {
    rule: "TL-AWS-LAMBDA-004",
    cfn: {
      pos: [
        fnCfn(
          "Runtime: python3.12\nEnvironment:\n  Variables:\n    DB_PASSWORD: Sup3rSecretValue!\n    STRIPE_KEY: sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        ),
      ],
      neg: [
        goodFnCfn,
        fnCfn(
          "Environment:\n  Variables:\n    DB_PASSWORD_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
        ),
      ],
    },
    tf: {
      pos: [
        fnTf(
          'runtime = "python3.12"\nenvironment {\n  variables = {\n    API_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"\n  }\n}',
        ),
      ],
      neg: [goodFnTf],
    },
  },
  {
    rule: "TL-AWS-LAMBDA-005",
    cfn: { pos: [fnCfn("Runtime: python3.7"), fnCfn("Runtime: nodejs12.x")], neg: [goodFnCfn] },
    tf: { pos: [fnTf('runtime = "go1.x"')], neg: [goodFnTf] },
  },
  {
    rule: "TL-AWS-LAMBDA-006",
    cfn: {
      pos: [
        fnCfn(
          "Runtime: python3.12",
          "  Permission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Fn\n      Action: lambda:InvokeFunction\n      Principal: '*'\n",
        ),
      ],
      neg: [
        fnCfn(
          "Runtime: python3.12",
          "  Permission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Fn\n      Action: lambda:InvokeFunction\n      Principal: s3.amazonaws.com\n      SourceArn: arn:aws:s3:::uploads\n",
        ),
      ],
    },
    tf: {
      pos: [
        fnTf(
          'runtime = "python3.12"',
          'resource "aws_lambda_permission" "any" {\n  function_name = aws_lambda_function.fn.function_name\n  action        = "lambda:InvokeFunction"\n  principal     = "*"\n}',
        ),
      ],
      neg: [
        fnTf(
          'runtime = "python3.12"',
          'resource "aws_lambda_permission" "apigw" {\n  function_name = aws_lambda_function.fn.function_name\n  action        = "lambda:InvokeFunction"\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "arn:aws:execute-api:x"\n}',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-LAMBDA-007",
    cfn: { pos: [fnCfn("Runtime: python3.12")], neg: [goodFnCfn] },
    tf: { pos: [fnTf('runtime = "python3.12"')], neg: [goodFnTf] },
  },
  {
    rule: "TL-AWS-LAMBDA-008",
    cfn: {
      pos: [fnCfn("Runtime: python3.12\nEnvironment: { Variables: { TABLE: orders } }")],
      neg: [goodFnCfn, fnCfn("Runtime: python3.12")],
    },
    tf: {
      pos: [fnTf('runtime = "python3.12"\nenvironment {\n  variables = {\n    TABLE = "orders"\n  }\n}')],
      neg: [goodFnTf],
    },
  },
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
    rule: "TL-AWS-EKS-001",
    cfn: {
      pos: [eksCfn("ResourcesVpcConfig: { SubnetIds: [subnet-1] }")],
      neg: [goodEksCfn, eksCfn("ResourcesVpcConfig: { SubnetIds: [subnet-1], PublicAccessCidrs: [203.0.113.0/24] }")],
    },
    tf: { pos: [eksTf('  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }')], neg: [goodEksTf] },
  },
  {
    rule: "TL-AWS-EKS-002",
    cfn: {
      pos: [
        eksCfn(
          "ResourcesVpcConfig: { SubnetIds: [subnet-1] }\nLogging: { ClusterLogging: { EnabledTypes: [{ Type: api }] } }",
        ),
      ],
      neg: [goodEksCfn],
    },
    tf: { pos: [eksTf('  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }')], neg: [goodEksTf] },
  },
  {
    rule: "TL-AWS-EKS-003",
    cfn: { pos: [eksCfn("ResourcesVpcConfig: { SubnetIds: [subnet-1] }")], neg: [goodEksCfn] },
    tf: { pos: [eksTf('  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }')], neg: [goodEksTf] },
  },
];
