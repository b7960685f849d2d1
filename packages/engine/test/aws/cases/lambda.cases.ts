import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

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

export const LAMBDA_CASES: RuleCase[] = [
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
];
