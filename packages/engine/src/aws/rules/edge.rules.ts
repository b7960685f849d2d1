import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { OUTDATED_CLOUDFRONT_TLS, OUTDATED_ELB_POLICY } from "../kinds/edge.ts";
import { fencedByDeny, grantsAny, isPublicPrincipal } from "../policy.ts";
import { at, awsRule, nodesOf, type Hit } from "./define.ts";
import { policyHits, policyKinds, whoOf } from "./resource-policy.ts";

const LB = ["aws.elb.load-balancer"];
const LISTENER = ["aws.elb.listener"];
const WAF = ["aws.wafv2.web-acl"];
const STAGES = ["aws.apigateway.stage", "aws.apigateway.rest-api", "aws.apigateway.http-api"];
const CF = ["aws.cloudfront.distribution"];
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

type ClassicListener = { protocol: unknown; policyNames?: unknown; path: string };
type ClassicSslPolicy = { name: unknown; weak: string[]; path: string };

/** A classic load balancer's outdated SSL negotiation: weak policies it declares, or the default on a TLS listener. */
function classicSslHits(node: GraphNode, ctx: RuleContext): Hit[] {
  if (node.kind === "aws.elb.classic-policy") {
    const weak = node.attrs.sslWeak;
    if (!Array.isArray(weak) || weak.length === 0) return [];
    return [
      {
        paths: [at(node, "sslWeak")],
        related: ctx.out(node.id).filter((n) => n.kind === "aws.elb.load-balancer"),
        detail: `SSL negotiation policy ${node.id} enables ${weak.join(", ")}.`,
      },
    ];
  }
  if (node.attrs.lbType !== "classic") return [];
  const tls = ((node.attrs.listeners as ClassicListener[] | undefined) ?? []).filter(
    (l) => typeof l.protocol === "string" && ["https", "ssl"].includes(l.protocol.toLowerCase()),
  );
  if (tls.length === 0) return [];
  const declared = node.attrs.sslPolicies;
  if (Array.isArray(declared)) {
    // CloudFormation: the policies the template declares on the load balancer, and which listeners name them.
    const policies = declared as ClassicSslPolicy[];
    const hits: Hit[] = policies
      .filter((p) => p.weak.length > 0)
      .map((p) => ({
        paths: [p.path],
        detail: `SSL negotiation policy ${typeof p.name === "string" ? p.name : "(unnamed)"} of ${node.id} enables ${p.weak.join(", ")}.`,
      }));
    const sslNames = new Set(policies.map((p) => p.name));
    const bare = tls.filter((l) => Array.isArray(l.policyNames) && !l.policyNames.some((n) => sslNames.has(n)));
    if (hits.length === 0 && bare.length > 0)
      hits.push({
        paths: bare.map((l) => l.path),
        likelihood: 1,
        detail: `The TLS listeners of ${node.id} name no SSL negotiation policy, so they use the default ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1.`,
      });
    return hits;
  }
  if (node.format === "cloudformation") return [];
  // Terraform: policies are resources of their own; with none for this load balancer, its TLS listeners use the default.
  const policies = nodesOf(ctx, ["aws.elb.classic-policy"]);
  if (policies.length > 0) return [];
  return [
    {
      paths: tls.map((l) => l.path),
      likelihood: 1,
      detail: `No SSL negotiation policy is attached to ${node.id}, so its TLS listeners use the default ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1.`,
    },
  ];
}

export const EDGE_RULES = [
  awsRule({
    id: "TL-AWS-ELB-001",
    title: "Load balancer listener accepts plain HTTP",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: LISTENER,
    description:
      "Listener {resource} serves HTTP without redirecting to HTTPS: credentials and session cookies cross the network in cleartext.",
    remediation: "Serve HTTPS with an ACM certificate, and make the HTTP listener redirect to HTTPS.",
    fix: {
      cloudformation:
        "Properties:\n  Protocol: HTTP\n  Port: 80\n  DefaultActions:\n    - Type: redirect\n      RedirectConfig:\n        Protocol: HTTPS\n        Port: '443'\n        StatusCode: HTTP_301",
      terraform:
        'default_action {\n  type = "redirect"\n  redirect {\n    protocol    = "HTTPS"\n    port        = "443"\n    status_code = "HTTP_301"\n  }\n}',
    },
    cwe: ["CWE-319"],
    capec: ["CAPEC-157", "CAPEC-94"],
    attack: ["T1557", "T1040"],
    test: (node) =>
      node.attrs.protocol === "HTTP" &&
      node.attrs.redirectsToHttps === false && {
        paths: [at(node, "protocol")],
        likelihood: node.attrs.internetFacing === false ? 2 : 3,
      },
  }),
  awsRule({
    id: "TL-AWS-ELB-002",
    title: "Load balancer listener allows outdated TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: LISTENER,
    description:
      "TLS listener {resource} uses a security policy that still accepts TLS 1.0/1.1 (or sets none, which defaults to ELBSecurityPolicy-2016-08).",
    remediation: "Use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06.",
    fix: {
      cloudformation: "Properties:\n  SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06",
      terraform: 'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
    },
    cwe: ["CWE-326", "CWE-327"],
    capec: ["CAPEC-217"],
    test: (node) => {
      if (node.attrs.protocol !== "HTTPS" && node.attrs.protocol !== "TLS") return null;
      const policy = node.attrs.sslPolicy;
      if (typeof policy === "object") return null;
      return (
        (policy === undefined || (typeof policy === "string" && OUTDATED_ELB_POLICY.test(policy))) && {
          paths: [at(node, "sslPolicy")],
          detail: `Listener ${node.id} uses ${policy === undefined ? "the default policy ELBSecurityPolicy-2016-08" : policy}, which accepts TLS 1.0 and 1.1.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ELB-003",
    title: "Load balancer access logs are disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: LB,
    description:
      "Load balancer {resource} keeps no access logs: requests (and attacks) it served cannot be investigated.",
    remediation: "Enable access logs to an S3 bucket.",
    fix: {
      cloudformation:
        "LoadBalancerAttributes:\n  - Key: access_logs.s3.enabled\n    Value: 'true'\n  - Key: access_logs.s3.bucket\n    Value: !Ref AccessLogBucket",
      terraform: "access_logs {\n  bucket  = aws_s3_bucket.lb_logs.id\n  enabled = true\n}",
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => node.attrs.accessLogs === false && { paths: [at(node, "accessLogs")] },
  }),
  awsRule({
    id: "TL-AWS-ELB-004",
    title: "Load balancer deletion protection is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: LB,
    description:
      "Load balancer {resource} can be deleted by a single API call or stack change, taking the service offline.",
    remediation: "Enable deletion protection.",
    fix: {
      cloudformation: "LoadBalancerAttributes:\n  - Key: deletion_protection.enabled\n    Value: 'true'",
      terraform: "enable_deletion_protection = true",
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) => node.attrs.deletionProtection === false && { paths: [at(node, "deletionProtection")] },
  }),
  awsRule({
    id: "TL-AWS-ELB-005",
    title: "Application load balancer forwards invalid HTTP headers",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: LB,
    description:
      "Application load balancer {resource} does not drop invalid header fields, which helps request smuggling and header injection against its targets.",
    remediation: "Enable routing.http.drop_invalid_header_fields.",
    fix: {
      cloudformation:
        "LoadBalancerAttributes:\n  - Key: routing.http.drop_invalid_header_fields.enabled\n    Value: 'true'",
      terraform: "drop_invalid_header_fields = true",
    },
    cwe: ["CWE-444"],
    capec: ["CAPEC-33"],
    test: (node) =>
      node.attrs.lbType === "application" &&
      node.attrs.dropInvalidHeaders === false && { paths: [at(node, "dropInvalidHeaders")] },
  }),
  awsRule({
    id: "TL-AWS-ELB-006",
    title: "Classic load balancer listener is not encrypted",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: LB,
    description:
      "Classic load balancer {resource} has an HTTP or TCP listener: traffic crosses the network in cleartext.",
    remediation: "Use HTTPS/SSL listeners (better: migrate to an application load balancer).",
    fix: {
      cloudformation:
        "Listeners:\n  - LoadBalancerPort: '443'\n    InstancePort: '80'\n    Protocol: HTTPS\n    SSLCertificateId: !Ref Certificate",
      terraform:
        'listener {\n  lb_port            = 443\n  lb_protocol        = "https"\n  instance_port      = 80\n  instance_protocol  = "http"\n  ssl_certificate_id = aws_acm_certificate.this.arn\n}',
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node) => {
      if (node.attrs.lbType !== "classic") return null;
      const plain = ((node.attrs.listeners as Array<{ protocol: unknown; path: string }>) ?? []).filter(
        (l) => typeof l.protocol === "string" && ["http", "tcp"].includes(l.protocol.toLowerCase()),
      );
      return plain.length > 0 && { paths: plain.map((l) => l.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-ELB-007",
    title: "Internet-facing application load balancer has no WAF",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: LB,
    description:
      "Internet-facing application load balancer {resource} is not associated with a WAF web ACL: common web exploits and bad bots reach the application unfiltered.",
    remediation: "Associate a WAFv2 web ACL with AWS managed rule groups and a rate-based rule.",
    fix: {
      cloudformation:
        "WebAclAssociation:\n  Type: AWS::WAFv2::WebACLAssociation\n  Properties:\n    ResourceArn: !Ref LoadBalancer\n    WebACLArn: !GetAtt WebAcl.Arn",
      terraform:
        'resource "aws_wafv2_web_acl_association" "this" {\n  resource_arn = aws_lb.this.arn\n  web_acl_arn  = aws_wafv2_web_acl.this.arn\n}',
    },
    cwe: ["CWE-693"],
    capec: ["CAPEC-66"],
    attack: ["T1190"],
    exposedBoost: 0,
    test: (node) =>
      node.attrs.lbType === "application" &&
      node.attrs.internetFacing === true &&
      node.attrs.waf === false && { paths: [""] },
  }),
  awsRule({
    id: "TL-AWS-WAF-001",
    title: "WAF web ACL allows everything",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    kinds: WAF,
    description: "Web ACL {resource} has no rules and a default action of Allow: it filters nothing.",
    remediation: "Add AWS managed rule groups (common rule set, known bad inputs) and a rate-based rule.",
    fix: {
      cloudformation:
        "Rules:\n  - Name: common\n    Priority: 0\n    OverrideAction: { None: {} }\n    Statement:\n      ManagedRuleGroupStatement:\n        VendorName: AWS\n        Name: AWSManagedRulesCommonRuleSet\n    VisibilityConfig:\n      SampledRequestsEnabled: true\n      CloudWatchMetricsEnabled: true\n      MetricName: common",
      terraform:
        'rule {\n  name     = "common"\n  priority = 0\n  override_action {\n    none {}\n  }\n  statement {\n    managed_rule_group_statement {\n      vendor_name = "AWS"\n      name        = "AWSManagedRulesCommonRuleSet"\n    }\n  }\n  visibility_config {\n    sampled_requests_enabled   = true\n    cloudwatch_metrics_enabled = true\n    metric_name                = "common"\n  }\n}',
    },
    cwe: ["CWE-693"],
    test: (node) =>
      node.attrs.defaultAllow === true && node.attrs.ruleCount === 0 && { paths: [at(node, "ruleCount")] },
  }),
  awsRule({
    id: "TL-AWS-WAF-002",
    title: "WAF web ACL logging is disabled",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: WAF,
    description: "Web ACL {resource} logs no requests: blocked and allowed attacks leave no trace.",
    remediation: "Add a WAF logging configuration to CloudWatch Logs, S3 or Firehose.",
    fix: {
      cloudformation:
        "WafLogging:\n  Type: AWS::WAFv2::LoggingConfiguration\n  Properties:\n    ResourceArn: !GetAtt WebAcl.Arn\n    LogDestinationConfigs:\n      - !GetAtt WafLogGroup.Arn",
      terraform:
        'resource "aws_wafv2_web_acl_logging_configuration" "this" {\n  resource_arn            = aws_wafv2_web_acl.this.arn\n  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.logging === false && { paths: [""] },
  }),
  awsRule({
    id: "TL-AWS-WAF-003",
    title: "WAF web ACL has no rate-based rule",
    category: "DenialOfService",
    likelihood: 2,
    impact: 3,
    kinds: WAF,
    description: "Web ACL {resource} does not limit request rates per client, so floods and brute force pass through.",
    remediation: "Add a rate-based rule.",
    fix: {
      cloudformation:
        "Rules:\n  - Name: rate\n    Priority: 1\n    Action: { Block: {} }\n    Statement:\n      RateBasedStatement:\n        Limit: 2000\n        AggregateKeyType: IP\n    VisibilityConfig:\n      SampledRequestsEnabled: true\n      CloudWatchMetricsEnabled: true\n      MetricName: rate",
      terraform:
        'rule {\n  name     = "rate"\n  priority = 1\n  action {\n    block {}\n  }\n  statement {\n    rate_based_statement {\n      limit              = 2000\n      aggregate_key_type = "IP"\n    }\n  }\n  visibility_config {\n    sampled_requests_enabled   = true\n    cloudwatch_metrics_enabled = true\n    metric_name                = "rate"\n  }\n}',
    },
    cwe: ["CWE-770"],
    capec: ["CAPEC-125"],
    attack: ["T1499"],
    exposedBoost: 0,
    test: (node) =>
      node.attrs.rateBased === false && typeof node.attrs.ruleCount === "number" && { paths: [at(node, "rateBased")] },
  }),
  awsRule({
    id: "TL-AWS-WAF-004",
    title: "WAF web ACL uses no AWS managed rule group",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: WAF,
    description:
      "Web ACL {resource} has no AWS managed rule group, so known exploit patterns (SQL injection, Log4Shell, bad inputs) are not filtered.",
    remediation: "Add AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet.",
    fix: {
      cloudformation:
        "Statement:\n  ManagedRuleGroupStatement:\n    VendorName: AWS\n    Name: AWSManagedRulesKnownBadInputsRuleSet",
      terraform:
        'statement {\n  managed_rule_group_statement {\n    vendor_name = "AWS"\n    name        = "AWSManagedRulesKnownBadInputsRuleSet"\n  }\n}',
    },
    cwe: ["CWE-693"],
    capec: ["CAPEC-66"],
    exposedBoost: 0,
    test: (node) =>
      Array.isArray(node.attrs.managedGroups) &&
      node.attrs.managedGroups.length === 0 &&
      typeof node.attrs.ruleCount === "number" &&
      node.attrs.ruleCount > 0 && { paths: [at(node, "managedGroups")] },
  }),
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
  awsRule({
    id: "TL-AWS-ELB-008",
    title: "Classic load balancer negotiates outdated SSL/TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.elb.load-balancer", "aws.elb.classic-policy"],
    description:
      "Classic load balancer {resource} negotiates TLS with an outdated predefined security policy (ELBSecurityPolicy-2011-08 … 2016-08) or a custom one enabling SSLv3, TLS 1.0/1.1 or weak ciphers (RC4, DES, export, MD5).",
    why: "Without a policy, an HTTPS or SSL listener of a classic load balancer uses ELBSecurityPolicy-2016-08, which still accepts TLS 1.0; that case is reported at low likelihood.",
    remediation:
      "Reference ELBSecurityPolicy-TLS-1-2-2017-01 in an SSLNegotiationPolicyType policy on every HTTPS/SSL listener (better: migrate to an application or network load balancer with a TLS 1.2+ policy).",
    fix: {
      cloudformation:
        "Policies:\n  - PolicyName: tls12\n    PolicyType: SSLNegotiationPolicyType\n    Attributes:\n      - Name: Reference-Security-Policy\n        Value: ELBSecurityPolicy-TLS-1-2-2017-01\nListeners:\n  - LoadBalancerPort: '443'\n    InstancePort: '80'\n    Protocol: HTTPS\n    SSLCertificateId: !Ref Certificate\n    PolicyNames: [tls12]",
      terraform:
        'resource "aws_load_balancer_policy" "tls12" {\n  load_balancer_name = aws_elb.this.name\n  policy_name        = "tls12"\n  policy_type_name   = "SSLNegotiationPolicyType"\n  policy_attribute {\n    name  = "Reference-Security-Policy"\n    value = "ELBSecurityPolicy-TLS-1-2-2017-01"\n  }\n}',
    },
    cwe: ["CWE-326", "CWE-327"],
    capec: ["CAPEC-217"],
    test: (node, ctx) => classicSslHits(node, ctx),
  }),
  awsRule({
    id: "TL-AWS-CF-001",
    title: "CloudFront serves content over plain HTTP",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: CF,
    description:
      "A cache behavior of distribution {resource} uses viewer protocol policy allow-all, so viewers can fetch content (and send cookies) over HTTP.",
    remediation: "Use redirect-to-https or https-only for every cache behavior.",
    fix: {
      cloudformation: "DefaultCacheBehavior:\n  ViewerProtocolPolicy: redirect-to-https",
      terraform: 'default_cache_behavior {\n  viewer_protocol_policy = "redirect-to-https"\n}',
    },
    cwe: ["CWE-319"],
    capec: ["CAPEC-157"],
    attack: ["T1557"],
    exposedBoost: 0,
    test: (node) => {
      const bad = ((node.attrs.viewerPolicies as Array<{ policy: unknown; path: string }>) ?? []).filter(
        (p) => p.policy === "allow-all",
      );
      return bad.length > 0 && { paths: bad.map((p) => p.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-CF-002",
    title: "CloudFront allows outdated TLS versions",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: CF,
    description:
      "Distribution {resource} accepts TLS 1.0/1.1 from viewers (an old minimum protocol version, or the default *.cloudfront.net certificate).",
    remediation: "Use your own ACM certificate with MinimumProtocolVersion TLSv1.2_2021.",
    fix: {
      cloudformation:
        "ViewerCertificate:\n  AcmCertificateArn: !Ref Certificate\n  SslSupportMethod: sni-only\n  MinimumProtocolVersion: TLSv1.2_2021",
      terraform:
        'viewer_certificate {\n  acm_certificate_arn      = aws_acm_certificate.this.arn\n  ssl_support_method       = "sni-only"\n  minimum_protocol_version = "TLSv1.2_2021"\n}',
    },
    cwe: ["CWE-326"],
    capec: ["CAPEC-217"],
    exposedBoost: 0,
    test: (node) =>
      typeof node.attrs.minTls === "string" &&
      OUTDATED_CLOUDFRONT_TLS.test(node.attrs.minTls) && {
        paths: [at(node, "minTls")],
        detail:
          node.attrs.defaultCert === true
            ? `Distribution ${node.id} uses the default CloudFront certificate, which accepts TLS 1.0.`
            : `Distribution ${node.id} accepts ${node.attrs.minTls}.`,
      },
  }),
  awsRule({
    id: "TL-AWS-CF-003",
    title: "CloudFront distribution has no WAF",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: CF,
    description:
      "Distribution {resource} is not associated with a WAF web ACL; exploits and floods reach the origin unfiltered.",
    remediation: "Associate a global (CLOUDFRONT scope) WAFv2 web ACL.",
    fix: {
      cloudformation: "DistributionConfig:\n  WebACLId: !GetAtt GlobalWebAcl.Arn",
      terraform: "web_acl_id = aws_wafv2_web_acl.global.arn",
    },
    cwe: ["CWE-693"],
    capec: ["CAPEC-66"],
    attack: ["T1190", "T1498"],
    exposedBoost: 0,
    test: (node) => node.attrs.waf === false && { paths: [at(node, "waf")] },
  }),
  awsRule({
    id: "TL-AWS-CF-004",
    title: "CloudFront access logging is disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: CF,
    description: "Distribution {resource} keeps no access logs.",
    remediation: "Enable standard logging to an S3 bucket (or real-time logs).",
    fix: {
      cloudformation: "DistributionConfig:\n  Logging:\n    Bucket: !GetAtt LogBucket.DomainName\n    Prefix: cdn/",
      terraform: 'logging_config {\n  bucket = aws_s3_bucket.logs.bucket_domain_name\n  prefix = "cdn/"\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
  awsRule({
    id: "TL-AWS-CF-005",
    title: "CloudFront talks to its origin over HTTP",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: CF,
    description:
      "A custom origin of distribution {resource} uses http-only or match-viewer, so requests travel from CloudFront to the origin unencrypted.",
    remediation: "Use OriginProtocolPolicy https-only.",
    fix: {
      cloudformation: "CustomOriginConfig:\n  OriginProtocolPolicy: https-only\n  OriginSSLProtocols: [TLSv1.2]",
      terraform:
        'custom_origin_config {\n  http_port              = 80\n  https_port             = 443\n  origin_protocol_policy = "https-only"\n  origin_ssl_protocols   = ["TLSv1.2"]\n}',
    },
    cwe: ["CWE-319"],
    attack: ["T1557"],
    exposedBoost: 0,
    test: (node) => {
      const bad = ((node.attrs.origins as Array<{ protocolPolicy: unknown; path: string }>) ?? []).filter(
        (o) => o.protocolPolicy === "http-only" || o.protocolPolicy === "match-viewer",
      );
      return bad.length > 0 && { paths: bad.map((o) => o.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-CF-006",
    title: "CloudFront origin accepts outdated SSL/TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: CF,
    description:
      "A custom origin of distribution {resource} allows SSLv3, TLS 1.0 or TLS 1.1 between CloudFront and the origin.",
    remediation: "Allow only TLSv1.2 to origins.",
    fix: {
      cloudformation: "CustomOriginConfig:\n  OriginSSLProtocols: [TLSv1.2]",
      terraform: 'origin_ssl_protocols = ["TLSv1.2"]',
    },
    cwe: ["CWE-326"],
    exposedBoost: 0,
    test: (node) => {
      const bad = ((node.attrs.origins as Array<{ sslProtocols: string[]; path: string }>) ?? []).filter((o) =>
        o.sslProtocols.some((p) => ["SSLv3", "TLSv1", "TLSv1.1"].includes(p)),
      );
      return bad.length > 0 && { paths: bad.map((o) => o.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-CF-007",
    title: "CloudFront S3 origin has no origin access control",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: CF,
    description:
      "An S3 origin of distribution {resource} uses neither origin access control nor an origin access identity, so the bucket must be public for CloudFront to read it, and can be read around CloudFront.",
    remediation: "Use origin access control and a bucket policy that only allows the distribution.",
    fix: {
      cloudformation:
        "Origins:\n  - Id: site\n    DomainName: !GetAtt SiteBucket.RegionalDomainName\n    OriginAccessControlId: !GetAtt SiteOac.Id\n    S3OriginConfig:\n      OriginAccessIdentity: ''",
      terraform:
        'origin {\n  origin_id                = "site"\n  domain_name              = aws_s3_bucket.site.bucket_regional_domain_name\n  origin_access_control_id = aws_cloudfront_origin_access_control.site.id\n}',
    },
    cwe: ["CWE-284"],
    exposedBoost: 0,
    test: (node, ctx) => {
      // An origin whose domain references a bucket of the template is an S3 origin, however it is written.
      const bucketOrigins = new Set(
        ctx.graph.edges
          .filter((e) => e.from === node.id && ctx.byId.get(e.to)?.kind === "aws.s3.bucket" && e.via !== undefined)
          .map((e) => e.via!),
      );
      const bad = ((node.attrs.origins as Array<{ s3: boolean; oac: boolean; path: string }>) ?? []).filter(
        (o) => (o.s3 || [...bucketOrigins].some((via) => via.startsWith(`${o.path}.`))) && !o.oac,
      );
      return bad.length > 0 && { paths: bad.map((o) => o.path) };
    },
  }),
];
