import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";
import { cleanApi, yaml } from "./bases.ts";

type Threats = Awaited<ReturnType<typeof analyze>>["threats"];

const SPEC = { path: "svc/openapi.yaml", content: yaml(cleanApi()) };

async function infra(path: string, content: string, spec = SPEC): Promise<Threats> {
  const { threats, files } = await analyze([spec, { path, content }]);
  for (const f of files) expect(f.error).toBeUndefined();
  return threats.filter((t) => t.ruleId === "TL-API-INFRA-001");
}

const byOp = (threats: Threats, id: string) => threats.find((t) => t.resources[0]!.id === id);

describe("TL-API-INFRA-001: the contract against the gateway that serves it", () => {
  it("API Gateway v1 in CloudFormation: the method's path comes from the resource tree; evidence in both files", async () => {
    const template = (auth: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: orders }
  Orders:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: orders }
  Order:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !Ref Orders, PathPart: "{id}" }
  GetOrder:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Order
      HttpMethod: GET
      AuthorizationType: ${auth}
  ListOrders:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Orders
      HttpMethod: GET
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref Authorizer
`;
    const open = await infra("svc/template.yaml", template("NONE"));
    const get = byOp(open, "GET /orders/{orderId}")!;
    expect(get.severity).toBe("high");
    expect(get.resources.map((r) => r.id)).toEqual(["GET /orders/{orderId}", "GetOrder"]);
    expect(get.evidence.map((e) => e.file).sort()).toEqual(["svc/openapi.yaml", "svc/template.yaml"]);
    expect(get.evidence.find((e) => e.file === "svc/template.yaml")).toMatchObject({
      path: "Properties.AuthorizationType",
      line: 18,
    });
    // GET /orders is served by ListOrders with Cognito: nothing to say.
    expect(byOp(open, "GET /orders")).toBeUndefined();
    expect(await infra("svc/template.yaml", template("AWS_IAM"))).toEqual([]);
  });

  it("API Gateway v1 in Terraform", async () => {
    const tf = (auth: string) => `resource "aws_api_gateway_rest_api" "api" { name = "orders" }
resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "orders"
}
resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{orderId}"
}
resource "aws_api_gateway_method" "delete_order" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.order.id
  http_method   = "DELETE"
  authorization = "${auth}"
}
resource "aws_api_gateway_method" "list" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "ANY"
  authorization = "CUSTOM"
  authorizer_id = "abc"
}
`;
    const open = await infra("svc/main.tf", tf("NONE"));
    expect(open.map((t) => t.resources[0]!.id)).toEqual(["DELETE /orders/{orderId}"]);
    expect(open[0]!.resources[1]!.id).toBe("aws_api_gateway_method.delete_order");
    expect(open[0]!.evidence.find((e) => e.file === "svc/main.tf")).toMatchObject({ path: "authorization", line: 16 });
    expect(await infra("svc/main.tf", tf("CUSTOM"))).toEqual([]);
  });

  it("SAM: an event that opts out of the API's default authorizer is the open door; the default covers the rest", async () => {
    const sam = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth:
      DefaultAuthorizer: OrdersJwt
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        List:
          Type: Api
          Properties: { Path: /orders, Method: get }
        Get:
          Type: Api
          Properties:
            Path: /orders/{orderId}
            Method: get
            Auth:
              Authorizer: NONE
        Health:
          Type: Api
          Properties: { Path: /health, Method: get }
`;
    const threats = await infra("svc/template.yaml", sam);
    const get = byOp(threats, "GET /orders/{orderId}")!;
    expect(get.severity).toBe("high");
    expect(get.evidence.find((e) => e.file === "svc/template.yaml")!.path).toBe(
      "Properties.Events.Get.Properties.Auth.Authorizer",
    );
    expect(byOp(threats, "GET /orders")).toBeUndefined();
    // /health is public in the contract and the implicit API's default authorizer (from Globals) covers it.
    expect(byOp(threats, "GET /health")!.severity).toBe("low");
  });

  it("SAM: an OpenAPI body written inline in the API is read route by route", async () => {
    const sam = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        components:
          securitySchemes:
            jwt: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: cognito_user_pools }
        paths:
          /orders:
            get:
              security: [{ jwt: [] }]
          /orders/{orderId}:
            delete:
              x-amazon-apigateway-integration: { type: aws_proxy }
`;
    const threats = await infra("svc/template.yaml", sam);
    expect(threats.map((t) => t.resources[0]!.id)).toEqual(["DELETE /orders/{orderId}"]);
    expect(threats[0]!.evidence.find((e) => e.file === "svc/template.yaml")!.path).toBe(
      "Properties.DefinitionBody.paths./orders/{orderId}.delete",
    );
  });

  it("Terraform: an OpenAPI body written with jsonencode in aws_api_gateway_rest_api is read route by route", async () => {
    const tf = (deleteSecurity: string) => `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "orders", version = "1.0" }
    components = {
      securitySchemes = {
        jwt = {
          type = "apiKey"
          name = "Authorization"
          in   = "header"
          "x-amazon-apigateway-authtype" = "cognito_user_pools"
        }
      }
    }
    paths = {
      "/orders" = {
        get = {
          security = [{ jwt = [] }]
        }
      }
      "/orders/{orderId}" = {
        delete = {${deleteSecurity}
          "x-amazon-apigateway-integration" = { type = "AWS_PROXY", httpMethod = "POST", uri = "arn:aws:lambda:eu-west-1:123456789012:function:orders" }
        }
      }
    }
  })
}
`;
    const open = await infra("svc/main.tf", tf(""));
    expect(open.map((t) => t.resources[0]!.id)).toEqual(["DELETE /orders/{orderId}"]);
    expect(open[0]!.resources[1]!.id).toBe("aws_api_gateway_rest_api.api");
    expect(open[0]!.severity).toBe("high");
    const line = open[0]!.evidence.find((e) => e.file === "svc/main.tf")!.line;
    expect(line).toBeGreaterThanOrEqual(22);
    expect(line).toBeLessThanOrEqual(24);
    expect(await infra("svc/main.tf", tf("\n          security = [{ jwt = [] }]"))).toEqual([]);
  });

  it("a gateway built from the spec file enforces only schemes API Gateway knows; one low threat when it enforces none", async () => {
    const sam = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: ./openapi.yaml
`;
    const threats = await infra("svc/template.yaml", sam);
    expect(threats).toHaveLength(1);
    expect(threats[0]!.resources[0]!.type).toBe("openapi:api");
    expect(threats[0]!.severity).toBe("low");
    expect(threats[0]!.description).toContain("GET /orders/{orderId}");
    expect(threats[0]!.resources.map((r) => r.id)).toContain("Api");
    expect(
      threats[0]!.evidence.some((e) => e.file === "svc/template.yaml" && e.path === "Properties.DefinitionUri"),
    ).toBe(true);

    const doc = cleanApi();
    doc.components.securitySchemes.oauth["x-amazon-apigateway-authorizer"] = { type: "jwt" };
    const withAuthorizer = await infra("svc/template.yaml", sam, { path: "svc/openapi.yaml", content: yaml(doc) });
    expect(withAuthorizer.filter((t) => t.severity !== "low")).toEqual([]);
    // A template in another folder that does not name the spec is not its gateway.
    expect(await infra("other/template.yaml", sam)).toEqual([]);
  });

  it("a Lambda function URL without auth in front of a secured contract: one low threat for the spec, not one per operation", async () => {
    const tf = `resource "aws_lambda_function" "api" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "orders.zip"
}
resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "NONE"
}
`;
    const threats = await infra("svc/main.tf", tf);
    expect(threats).toHaveLength(1);
    expect(threats[0]!.severity).toBe("low");
    expect(threats[0]!.resources.map((r) => r.id)).toContain("aws_lambda_function.api");
  });

  it("Kubernetes Ingress: a path without the authentication other paths of the host have", async () => {
    const ingress = (name: string, path: string, annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: shop
${annotations}
spec:
  rules:
    - host: api.example.com
      http:
        paths:
          - path: ${path}
            pathType: Prefix
            backend: { service: { name: orders, port: { number: 80 } } }
`;
    const auth = `  annotations:\n    nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/check`;
    const manifests = [ingress("orders", "/v1/orders", ""), ingress("health", "/v1/health", auth)].join("---\n");
    const threats = await infra("svc/ingress.yaml", manifests);
    expect(threats.map((t) => t.resources[0]!.id).sort()).toEqual([
      "DELETE /orders/{orderId}",
      "GET /health",
      "GET /orders",
      "GET /orders/{orderId}",
      "POST /orders",
    ]);
    expect(byOp(threats, "GET /orders")!.severity).toBe("high");
    expect(byOp(threats, "GET /orders")!.resources[1]!.id).toBe("Ingress/shop/orders");
    expect(byOp(threats, "GET /health")!.severity).toBe("low");

    const guarded = [ingress("orders", "/v1/orders", auth), ingress("health", "/v1/health", "")].join("---\n");
    expect(await infra("svc/ingress.yaml", guarded)).toEqual([]);
  });
});
