import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { json } from "./fixtures.ts";

const restCfn = (stage: string, method = "AuthorizationType: COGNITO_USER_POOLS\n  AuthorizerId: auth-1") =>
  cfn(`
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: api }
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      ${method
        .split("\n")
        .map((l, i) => (i === 0 ? l : `    ${l}`))
        .join("\n")}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: dep-1
${stage
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

const goodStage =
  "TracingEnabled: true\nAccessLogSetting: { DestinationArn: arn:aws:logs:x, Format: $context.requestId }\nMethodSettings:\n  - { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, CachingEnabled: true, CacheDataEncrypted: true }";

const goodRestCfn = restCfn(goodStage).replace(
  "Resources:\n",
  "Resources:\n  StageWaf:\n    Type: AWS::WAFv2::WebACLAssociation\n    Properties:\n      ResourceArn: !Sub 'arn:aws:apigateway:eu-west-1::/restapis/${Api}/stages/${Stage}'\n      WebACLArn: arn:aws:wafv2:x\n",
);

const restTf = (stage: string, method = 'authorization = "AWS_IAM"', extra = "") =>
  tf(`
  resource "aws_api_gateway_rest_api" "api" {
    name = "api"
  }
  resource "aws_api_gateway_method" "get" {
    rest_api_id   = aws_api_gateway_rest_api.api.id
    resource_id   = aws_api_gateway_rest_api.api.root_resource_id
    http_method   = "GET"
    ${method}
  }
  resource "aws_api_gateway_stage" "prod" {
    rest_api_id   = aws_api_gateway_rest_api.api.id
    deployment_id = "dep-1"
    stage_name    = "prod"
${stage}
  }
${extra}`);

const goodRestTf = restTf(
  '    xray_tracing_enabled = true\n    access_log_settings {\n      destination_arn = "arn:aws:logs:x"\n      format          = "$context.requestId"\n    }',
  'authorization = "AWS_IAM"',
  `resource "aws_api_gateway_method_settings" "all" {
    rest_api_id = aws_api_gateway_rest_api.api.id
    stage_name  = aws_api_gateway_stage.prod.stage_name
    method_path = "*/*"
    settings {
      throttling_rate_limit  = 100
      throttling_burst_limit = 200
      caching_enabled        = true
      cache_data_encrypted   = true
    }
  }
  resource "aws_wafv2_web_acl_association" "api" {
    resource_arn = aws_api_gateway_stage.prod.arn
    web_acl_arn  = "arn:aws:wafv2:x"
  }`,
);

const samFn = (events: string, api = "") =>
  cfn(
    `
${api}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Events:
${events
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}
`,
    "Transform: AWS::Serverless-2016-10-31\n",
  );

const invokeAll = { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" };

const fromEndpoint = { StringEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } };

const privateApiCfn = (statement: string) =>
  cfn(`
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: internal
      EndpointConfiguration:
        Types: [PRIVATE]
      Policy:
        Version: "2012-10-17"
        Statement:
${statement
  .split("\n")
  .map((l) => `          ${l}`)
  .join("\n")}
`);

const apiPolicyTf = (types: string, statements: string) =>
  tf(`
  resource "aws_api_gateway_rest_api" "api" {
    name = "internal"
    endpoint_configuration {
      types = ["${types}"]
    }
  }
  resource "aws_api_gateway_rest_api_policy" "api" {
    rest_api_id = aws_api_gateway_rest_api.api.id
    policy = jsonencode({ Version = "2012-10-17", Statement = [${statements}] })
  }
`);

export const API_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-API-001",
    cfn: {
      pos: [
        restCfn(goodStage, "AuthorizationType: NONE"),
        samFn("Get: { Type: Api, Properties: { Path: /items, Method: get } }"),
      ],
      neg: [
        goodRestCfn,
        restCfn(goodStage, "AuthorizationType: NONE\n  ApiKeyRequired: true"),
        samFn("Get: { Type: Api, Properties: { Path: /items, Method: get, Auth: { Authorizer: Cognito } } }"),
        samFn(
          "Get: { Type: Api, Properties: { Path: /items, Method: get, RestApiId: !Ref Api } }",
          "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Auth: { DefaultAuthorizer: Cognito, Authorizers: { Cognito: { UserPoolArn: arn:aws:cognito-idp:x } } }\n",
        ),
      ],
    },
    tf: {
      pos: [
        restTf("", 'authorization = "NONE"'),
        tf(`resource "aws_apigatewayv2_route" "r" {\n  api_id    = "api-1"\n  route_key = "GET /items"\n}`),
      ],
      neg: [
        goodRestTf,
        tf(
          `resource "aws_apigatewayv2_route" "r" {\n  api_id             = "api-1"\n  route_key          = "GET /items"\n  authorization_type = "JWT"\n  authorizer_id      = "a-1"\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-API-002",
    cfn: {
      pos: [restCfn("TracingEnabled: true"), samFn("Get: { Type: Api, Properties: { Path: /items, Method: get } }")],
      neg: [
        goodRestCfn,
        restCfn("TracingEnabled: true").replace(
          "Resources:\n",
          "Resources:\n  Plan:\n    Type: AWS::ApiGateway::UsagePlan\n    Properties:\n      Throttle: { RateLimit: 10, BurstLimit: 20 }\n      ApiStages: [{ ApiId: !Ref Api, Stage: prod }]\n",
        ),
      ],
    },
    tf: {
      pos: [
        restTf("    xray_tracing_enabled = true"),
        tf(`resource "aws_apigatewayv2_stage" "s" {\n  api_id = "api-1"\n  name   = "prod"\n}`),
      ],
      neg: [
        goodRestTf,
        tf(
          `resource "aws_apigatewayv2_stage" "s" {\n  api_id = "api-1"\n  name   = "prod"\n  default_route_settings {\n    throttling_burst_limit = 100\n    throttling_rate_limit  = 50\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-API-003",
    cfn: { pos: [restCfn("TracingEnabled: true"), samFn("Get: { Type: HttpApi }")], neg: [goodRestCfn] },
    tf: { pos: [restTf("    xray_tracing_enabled = true")], neg: [goodRestTf] },
  },
  {
    rule: "TL-AWS-API-004",
    cfn: { pos: [restCfn("TracingEnabled: false")], neg: [goodRestCfn] },
    tf: { pos: [restTf("    xray_tracing_enabled = false")], neg: [goodRestTf] },
  },
  {
    rule: "TL-AWS-API-005",
    cfn: {
      pos: [
        restCfn(
          "MethodSettings:\n  - { ResourcePath: '/*', HttpMethod: '*', CachingEnabled: true, CacheDataEncrypted: false }",
        ),
      ],
      neg: [goodRestCfn],
    },
    tf: {
      pos: [
        restTf(
          "",
          'authorization = "AWS_IAM"',
          'resource "aws_api_gateway_method_settings" "all" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  stage_name  = aws_api_gateway_stage.prod.stage_name\n  method_path = "*/*"\n  settings {\n    caching_enabled = true\n  }\n}',
        ),
      ],
      neg: [goodRestTf],
    },
  },
  {
    rule: "TL-AWS-API-006",
    cfn: {
      pos: [restCfn(goodStage)],
      neg: [
        goodRestCfn,
        restCfn(goodStage).replace(
          "Properties: { Name: api }",
          "Properties: { Name: api, EndpointConfiguration: { Types: [PRIVATE] } }",
        ),
      ],
    },
    tf: { pos: [restTf("    xray_tracing_enabled = true")], neg: [goodRestTf] },
  },
  {
    rule: "TL-AWS-API-007",
    cfn: {
      pos: [
        cfn(`\n  Domain:\n    Type: AWS::ApiGateway::DomainName\n    Properties: { DomainName: api.example.com }\n`),
      ],
      neg: [
        cfn(
          `\n  Domain:\n    Type: AWS::ApiGateway::DomainName\n    Properties: { DomainName: api.example.com, SecurityPolicy: TLS_1_2 }\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_api_gateway_domain_name" "d" {\n  domain_name     = "api.example.com"\n  security_policy = "TLS_1_0"\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_api_gateway_domain_name" "d" {\n  domain_name     = "api.example.com"\n  security_policy = "TLS_1_2"\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-API-008",
    cfn: {
      pos: [
        cfn(
          `\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: { Name: api, ProtocolType: HTTP, CorsConfiguration: { AllowOrigins: ['*'] } }\n`,
        ),
      ],
      neg: [
        cfn(
          `\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: { Name: api, ProtocolType: HTTP, CorsConfiguration: { AllowOrigins: ['https://app.example.com'] } }\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_apigatewayv2_api" "a" {\n  name          = "api"\n  protocol_type = "HTTP"\n  cors_configuration {\n    allow_origins = ["*"]\n  }\n}`,
        ),
      ],
      neg: [tf(`resource "aws_apigatewayv2_api" "a" {\n  name          = "api"\n  protocol_type = "HTTP"\n}`)],
    },
  },
  {
    rule: "TL-AWS-API-009",
    cfn: {
      pos: [
        privateApiCfn("- Effect: Allow\n  Principal: '*'\n  Action: execute-api:Invoke\n  Resource: execute-api:/*"),
      ],
      neg: [
        privateApiCfn(
          "- Effect: Allow\n  Principal: '*'\n  Action: execute-api:Invoke\n  Resource: execute-api:/*\n  Condition:\n    StringEquals:\n      aws:SourceVpce: vpce-0123456789abcdef0",
        ),
        privateApiCfn(
          "- Effect: Allow\n  Principal: '*'\n  Action: execute-api:Invoke\n  Resource: execute-api:/*\n- Effect: Deny\n  Principal: '*'\n  Action: execute-api:Invoke\n  Resource: execute-api:/*\n  Condition:\n    StringNotEquals:\n      aws:SourceVpce: vpce-0123456789abcdef0",
        ),
        // A regional API: `*` may invoke it anyway, the policy changes nothing.
        cfn(`
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: public
      Policy:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
`),
      ],
    },
    json: {
      pos: [
        json(
          "AWS::ApiGateway::RestApi",
          { Name: "internal", EndpointConfiguration: { Types: ["PRIVATE"] }, Policy: { Statement: [invokeAll] } },
          "Api",
        ),
        json(
          "AWS::ApiGateway::RestApi",
          { Name: "public", Policy: { Statement: [{ ...invokeAll, Action: "execute-api:*" }] } },
          "Api",
        ),
      ],
      neg: [
        json(
          "AWS::ApiGateway::RestApi",
          {
            Name: "internal",
            EndpointConfiguration: { Types: ["PRIVATE"] },
            Policy: { Statement: [{ ...invokeAll, Condition: fromEndpoint }] },
          },
          "Api",
        ),
      ],
    },
    tf: {
      pos: [
        apiPolicyTf(
          "PRIVATE",
          '{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*" }',
        ),
        apiPolicyTf(
          "REGIONAL",
          '{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["execute-api:Invoke", "execute-api:InvalidateCache"], Resource = "execute-api:/*" }',
        ),
        tf(
          `resource "aws_api_gateway_rest_api" "api" {\n  name = "internal"\n  endpoint_configuration {\n    types = ["PRIVATE"]\n  }\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "*" }] })\n}`,
        ),
      ],
      neg: [
        apiPolicyTf(
          "PRIVATE",
          '{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*", Condition = { StringEquals = { "aws:SourceVpc" = "vpc-0123456789abcdef0" } } }',
        ),
        apiPolicyTf(
          "REGIONAL",
          '{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*" }',
        ),
      ],
    },
  },
];
