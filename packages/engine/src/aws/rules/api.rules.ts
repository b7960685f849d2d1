import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { fencedByDeny, grantsAny, isPublicPrincipal } from "../policy.ts";
import { at, awsRule } from "./define.ts";
import { policyHits, policyKinds, whoOf } from "./resource-policy.ts";

// TL-AWS-API: API Gateway.

const STAGES = ["aws.apigateway.stage", "aws.apigateway.rest-api", "aws.apigateway.http-api"];

const REST_STAGE_TYPES = new Set([
  "AWS::ApiGateway::Stage",
  "AWS::ApiGateway::Deployment",
  "aws_api_gateway_stage",
  "AWS::Serverless::Api",
]);

/** Stage-like nodes: real stages, and SAM APIs, which declare their stage settings themselves. */
const stageLike = (node: GraphNode): boolean => node.kind === "aws.apigateway.stage" || node.attrs.sam === true;

/** The API a stage belongs to (for private REST APIs). */
function apiOf(ctx: RuleContext, node: GraphNode): GraphNode | undefined {
  if (node.kind !== "aws.apigateway.stage") return node;
  return ctx.out(node.id).find((n) => n.kind === "aws.apigateway.rest-api" || n.kind === "aws.apigateway.http-api");
}

type Event = { type: unknown; api: boolean; auth: boolean; apiKey: boolean; path: string };

/** Whether an API Gateway v2 route belongs to a WebSocket API (its API says so, or its key is no HTTP route). */
function isWebSocketRoute(node: GraphNode, ctx: RuleContext): boolean {
  if (node.type !== "AWS::ApiGatewayV2::Route" && node.type !== "aws_apigatewayv2_route") return false;
  const api = ctx.out(node.id).find((n) => n.type === "AWS::ApiGatewayV2::Api" || n.type === "aws_apigatewayv2_api");
  const body = (api?.properties.Properties ?? api?.properties ?? {}) as Record<string, unknown>;
  const protocol = body.ProtocolType ?? body.protocol_type;
  if (typeof protocol === "string") return protocol.toUpperCase() === "WEBSOCKET";
  const key = typeof node.attrs.httpMethod === "string" ? node.attrs.httpMethod : "";
  return key === "$connect" || key === "$disconnect" || (key !== "" && !key.startsWith("$") && !key.includes(" "));
}

export const API_RULES = [
  awsRule({
    id: "TL-AWS-API-001",
    title: "API Gateway method requires no authorization",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    kinds: ["aws.apigateway.method", "aws.apigateway.rest-api", "aws.apigateway.http-api"],
    description:
      "{resource} accepts requests without any authorizer, IAM signature or API key: anyone who finds the endpoint can call it.",
    remediation:
      "Attach an authorizer (Cognito, JWT, Lambda) or require IAM authorization; use API keys only for metering.",
    fix: {
      cloudformation: "Properties:\n  AuthorizationType: COGNITO_USER_POOLS\n  AuthorizerId: !Ref Authorizer",
      terraform: 'authorization = "COGNITO_USER_POOLS"\nauthorizer_id = aws_api_gateway_authorizer.this.id',
    },
    cwe: ["CWE-306"],
    capec: ["CAPEC-115"],
    attack: ["T1190"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (node.kind === "aws.apigateway.method") {
        const method = typeof node.attrs.httpMethod === "string" ? node.attrs.httpMethod.toUpperCase() : "";
        if (method === "OPTIONS" || method.startsWith("OPTIONS ")) return null;
        // A WebSocket API authorizes the connection: only `$connect` takes an authorizer; `$disconnect`,
        // `$default` and message routes run on a connection already accepted.
        if (isWebSocketRoute(node, ctx) && method !== "$CONNECT") return null;
        return node.attrs.authorization === "NONE" && !node.attrs.apiKey && { paths: [at(node, "authorization")] };
      }
      if (node.attrs.sam !== true || node.attrs.auth === true) return null;
      // SAM: events without RestApiId/ApiId belong to the implicit API, the others to a declared one.
      const implicit = node.properties.Implicit === true;
      const open = ctx
        .out(node.id, "routes-to")
        .flatMap((fn) =>
          ((fn.attrs.events as Event[] | undefined) ?? [])
            .filter((e) => (e.type === "Api" || e.type === "HttpApi") && e.api !== implicit && !e.auth && !e.apiKey)
            .map((e) => `${fn.id}.${e.path.split(".").pop()!}`),
        );
      return (
        open.length > 0 && {
          paths: [at(node, "auth")],
          related: ctx.out(node.id, "routes-to"),
          detail: `${node.id} has no default authorizer and the events ${open.join(", ")} declare none.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-API-002",
    title: "API Gateway stage has no throttling",
    category: "DenialOfService",
    likelihood: 3,
    impact: 3,
    kinds: STAGES,
    description:
      "{resource} sets no stage or method throttling and no usage plan: one client can use up the account's request quota and the backend's capacity.",
    remediation: "Set rate and burst limits on the stage (MethodSettings / default route settings) or a usage plan.",
    fix: {
      cloudformation:
        "MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n    ThrottlingRateLimit: 100\n    ThrottlingBurstLimit: 200",
      terraform:
        'resource "aws_api_gateway_method_settings" "all" {\n  rest_api_id = aws_api_gateway_rest_api.this.id\n  stage_name  = aws_api_gateway_stage.this.stage_name\n  method_path = "*/*"\n  settings {\n    throttling_rate_limit  = 100\n    throttling_burst_limit = 200\n  }\n}',
    },
    cwe: ["CWE-770"],
    capec: ["CAPEC-125"],
    attack: ["T1499"],
    test: (node) => stageLike(node) && node.attrs.throttling === false && { paths: [at(node, "throttling")] },
  }),
  awsRule({
    id: "TL-AWS-API-003",
    title: "API Gateway stage has no access logging",
    category: "Repudiation",
    likelihood: 3,
    impact: 3,
    kinds: STAGES,
    description: "{resource} writes no access logs: who called which route, and when, is not recorded.",
    remediation:
      "Configure access logging to a CloudWatch log group with the caller's identity and source IP in the format.",
    fix: {
      cloudformation:
        "AccessLogSetting:\n  DestinationArn: !GetAtt ApiAccessLogs.Arn\n  Format: '$context.requestId $context.identity.sourceIp $context.httpMethod $context.resourcePath $context.status'",
      terraform:
        'access_log_settings {\n  destination_arn = aws_cloudwatch_log_group.api_access.arn\n  format          = "$context.requestId $context.identity.sourceIp $context.httpMethod $context.resourcePath $context.status"\n}',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => stageLike(node) && node.attrs.accessLogs === false && { paths: [at(node, "accessLogs")] },
  }),
  awsRule({
    id: "TL-AWS-API-004",
    title: "API Gateway stage has no X-Ray tracing",
    category: "Repudiation",
    likelihood: 1,
    impact: 2,
    kinds: STAGES,
    description: "{resource} does not trace requests through to the backend.",
    remediation: "Enable X-Ray tracing on the stage.",
    fix: { cloudformation: "Properties:\n  TracingEnabled: true", terraform: "xray_tracing_enabled = true" },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => stageLike(node) && node.attrs.tracing === false && { paths: [at(node, "tracing")] },
  }),
  awsRule({
    id: "TL-AWS-API-005",
    title: "API Gateway cache is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: STAGES,
    description: "{resource} caches responses without encrypting the cache.",
    remediation: "Set CacheDataEncrypted wherever caching is enabled.",
    fix: {
      cloudformation:
        "MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n    CachingEnabled: true\n    CacheDataEncrypted: true",
      terraform: "settings {\n  caching_enabled      = true\n  cache_data_encrypted = true\n}",
    },
    cwe: ["CWE-311"],
    test: (node, ctx) =>
      node.attrs.cacheEncrypted === false && {
        paths: [at(node, "cacheEncrypted")],
        related: ctx.in(node.id).filter((n) => n.kind === "aws.apigateway.method-settings"),
      },
  }),
  awsRule({
    id: "TL-AWS-API-006",
    title: "Public REST API stage has no WAF",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.apigateway.stage", "aws.apigateway.rest-api"],
    description: "REST API stage {resource} is not protected by a WAF web ACL.",
    remediation: "Associate a WAFv2 web ACL with the stage.",
    fix: {
      cloudformation:
        "StageWaf:\n  Type: AWS::WAFv2::WebACLAssociation\n  Properties:\n    ResourceArn: !Sub arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}\n    WebACLArn: !GetAtt WebAcl.Arn",
      terraform:
        'resource "aws_wafv2_web_acl_association" "api" {\n  resource_arn = aws_api_gateway_stage.this.arn\n  web_acl_arn  = aws_wafv2_web_acl.this.arn\n}',
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (!REST_STAGE_TYPES.has(node.type) || node.attrs.waf !== false) return null;
      const api = apiOf(ctx, node);
      if (api?.attrs.private === true || api?.attrs.waf === true) return null;
      return { paths: [""] };
    },
  }),
  awsRule({
    id: "TL-AWS-API-007",
    title: "API Gateway custom domain allows TLS 1.0",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.apigateway.domain-name"],
    description: "Custom domain {resource} accepts TLS 1.0 (the default for REST API domains).",
    remediation: "Set the security policy to TLS_1_2.",
    fix: { cloudformation: "Properties:\n  SecurityPolicy: TLS_1_2", terraform: 'security_policy = "TLS_1_2"' },
    cwe: ["CWE-326"],
    capec: ["CAPEC-217"],
    test: (node) => node.attrs.securityPolicy === "TLS_1_0" && { paths: [at(node, "securityPolicy")] },
  }),
  awsRule({
    id: "TL-AWS-API-008",
    title: "HTTP API allows cross-origin requests from any origin",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.apigateway.http-api"],
    description:
      "The CORS configuration of {resource} allows every origin, so any website can call the API from its visitors' browsers.",
    remediation: "List the origins of your own front ends.",
    fix: {
      cloudformation: "CorsConfiguration:\n  AllowOrigins:\n    - https://app.example.com",
      terraform: 'cors_configuration {\n  allow_origins = ["https://app.example.com"]\n}',
    },
    cwe: ["CWE-942"],
    test: (node) => node.attrs.corsAnyOrigin === true && { paths: [at(node, "corsAnyOrigin")] },
  }),
  awsRule({
    id: "TL-AWS-API-009",
    title: "REST API resource policy opens a private API or its cache control to anyone",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 3,
    kinds: policyKinds("aws.apigateway.rest-api"),
    description:
      'The resource policy of REST API {resource} allows Principal "*" with no condition narrowing who, where that grants more than a public API already gives: a private API invocable from any VPC endpoint of any account (no aws:SourceVpce / aws:SourceVpc condition), or execute-api:InvalidateCache to everyone, so any caller can flush the cache onto the backend.',
    why: "A regional or edge API without a resource policy is invocable by anyone its authorizers let in, so `Allow * execute-api:Invoke` on such an API changes nothing and is not reported. On a private API the resource policy is the boundary: AWS documents limiting it to the caller's VPC endpoints (or a Deny for the others).",
    remediation:
      "Limit a private API's policy to your VPC endpoints (aws:SourceVpce) or VPCs, and grant only execute-api:Invoke.",
    fix: {
      cloudformation:
        'Policy:\n  Statement:\n    - Effect: Allow\n      Principal: "*"\n      Action: execute-api:Invoke\n      Resource: execute-api:/*\n      Condition:\n        StringEquals:\n          aws:SourceVpce: !Ref ApiEndpoint',
      terraform:
        'statement {\n  actions   = ["execute-api:Invoke"]\n  resources = ["execute-api:/*"]\n  principals {\n    type        = "*"\n    identifiers = ["*"]\n  }\n  condition {\n    test     = "StringEquals"\n    variable = "aws:SourceVpce"\n    values   = [aws_vpc_endpoint.api.id]\n  }\n}',
    },
    cwe: ["CWE-284", "CWE-732"],
    attack: ["T1190"],
    exposedBoost: 0,
    test: (node, ctx) => {
      const api =
        node.kind === "aws.apigateway.rest-api"
          ? node
          : ctx.out(node.id).find((n) => n.kind === "aws.apigateway.rest-api");
      const isPrivate = api?.attrs.private === true;
      return policyHits(ctx, node, "aws.apigateway.rest-api", (s, all) => {
        if (!isPublicPrincipal(s) || fencedByDeny(s, all)) return false;
        if (isPrivate && grantsAny(s, ["execute-api:Invoke"]))
          return `lets ${whoOf(s)} invoke the private API from any VPC endpoint, with no aws:SourceVpce or aws:SourceVpc condition`;
        if (grantsAny(s, ["execute-api:InvalidateCache"]))
          return `lets ${whoOf(s)} invalidate the API's cache (execute-api:InvalidateCache)`;
        return false;
      }).map((h) => (isPrivate ? { ...h, likelihood: 3 } : { ...h, likelihood: 1 }));
    },
  }),
];
