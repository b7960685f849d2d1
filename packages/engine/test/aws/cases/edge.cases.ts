import { cfn, tf, type RuleCase } from "../harness.ts";

const lbCfn = (attrs: string, scheme = "internet-facing") =>
  cfn(`
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: ${scheme}
      Subnets: [subnet-1, subnet-2]
      LoadBalancerAttributes:
${attrs
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: { Block: {} }
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: acl }
      Rules:
        - Name: rate
          Priority: 0
          Action: { Block: {} }
          Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: IP } }
          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: rate }
        - Name: common
          Priority: 1
          OverrideAction: { None: {} }
          Statement: { ManagedRuleGroupStatement: { VendorName: AWS, Name: AWSManagedRulesCommonRuleSet } }
          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: common }
  AclLogging:
    Type: AWS::WAFv2::LoggingConfiguration
    Properties: { ResourceArn: !GetAtt Acl.Arn, LogDestinationConfigs: [arn:aws:logs:x] }
  Association:
    Type: AWS::WAFv2::WebACLAssociation
    Properties: { ResourceArn: !Ref Lb, WebACLArn: !GetAtt Acl.Arn }
`);
const goodLbCfn = lbCfn(
  "- { Key: access_logs.s3.enabled, Value: 'true' }\n- { Key: deletion_protection.enabled, Value: 'true' }\n- { Key: routing.http.drop_invalid_header_fields.enabled, Value: 'true' }",
);
const lbTf = (body: string, waf = true) =>
  tf(`
  resource "aws_lb" "lb" {
    name    = "lb"
    subnets = ["subnet-1", "subnet-2"]
${body}
  }
${
  waf
    ? `resource "aws_wafv2_web_acl" "acl" {
    name  = "acl"
    scope = "REGIONAL"
    default_action {
      block {}
    }
    rule {
      name     = "rate"
      priority = 0
      statement {
        rate_based_statement {
          limit = 1000
        }
      }
    }
    rule {
      name     = "common"
      priority = 1
      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = "AWSManagedRulesCommonRuleSet"
        }
      }
    }
  }
  resource "aws_wafv2_web_acl_logging_configuration" "acl" {
    resource_arn            = aws_wafv2_web_acl.acl.arn
    log_destination_configs = ["arn:aws:logs:x"]
  }
  resource "aws_wafv2_web_acl_association" "lb" {
    resource_arn = aws_lb.lb.arn
    web_acl_arn  = aws_wafv2_web_acl.acl.arn
  }`
    : ""
}
`);
const goodLbTf = lbTf(
  '    enable_deletion_protection = true\n    drop_invalid_header_fields = true\n    access_logs {\n      bucket  = "lb-logs"\n      enabled = true\n    }',
);

const listenerCfn = (props: string) =>
  cfn(`
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: arn:aws:elasticloadbalancing:x
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);
const redirectCfn = listenerCfn(
  "Port: 80\nProtocol: HTTP\nDefaultActions:\n  - Type: redirect\n    RedirectConfig: { Protocol: HTTPS, Port: '443', StatusCode: HTTP_301 }",
);
const httpsCfn = listenerCfn(
  "Port: 443\nProtocol: HTTPS\nSslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06\nCertificates: [{ CertificateArn: arn:aws:acm:x }]\nDefaultActions: [{ Type: forward, TargetGroupArn: arn:aws:tg }]",
);
const listenerTf = (body: string) =>
  tf(`resource "aws_lb_listener" "l" {\n  load_balancer_arn = "arn:aws:elasticloadbalancing:x"\n${body}\n}`);

const wafCfn = (rules: string, extra = "") =>
  cfn(`
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: { Allow: {} }
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: acl }
      Rules: ${rules}
${extra}`);

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

const distCfn = (config: string) =>
  cfn(`
  Dist:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
${config
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}
`);
const goodDistConfig =
  "WebACLId: arn:aws:wafv2:global\nLogging: { Bucket: logs.s3.amazonaws.com }\nViewerCertificate: { AcmCertificateArn: arn:aws:acm:x, SslSupportMethod: sni-only, MinimumProtocolVersion: TLSv1.2_2021 }\nDefaultCacheBehavior: { TargetOriginId: app, ViewerProtocolPolicy: redirect-to-https }\nOrigins:\n  - Id: app\n    DomainName: app.example.com\n    CustomOriginConfig: { OriginProtocolPolicy: https-only, OriginSSLProtocols: [TLSv1.2] }\n  - Id: site\n    DomainName: site.s3.eu-west-1.amazonaws.com\n    OriginAccessControlId: oac-1\n    S3OriginConfig: { OriginAccessIdentity: '' }";
const goodDistCfn = distCfn(goodDistConfig);
const distTf = (body: string) => tf(`resource "aws_cloudfront_distribution" "d" {\n  enabled = true\n${body}\n}`);
const goodDistTf = distTf(`  web_acl_id = "arn:aws:wafv2:global"
  logging_config {
    bucket = "logs.s3.amazonaws.com"
  }
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:x"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "https-only"
  }
  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  origin {
    origin_id                = "site"
    domain_name              = "site.s3.eu-west-1.amazonaws.com"
    origin_access_control_id = "oac-1"
  }`);
const badDistCfn = distCfn(
  "DefaultCacheBehavior: { TargetOriginId: app, ViewerProtocolPolicy: allow-all }\nOrigins:\n  - Id: app\n    DomainName: app.example.com\n    CustomOriginConfig: { OriginProtocolPolicy: http-only, OriginSSLProtocols: [TLSv1, TLSv1.2] }\n  - Id: site\n    DomainName: site.s3.amazonaws.com\n    S3OriginConfig: {}",
);
const badDistTf = distTf(`  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all"
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      origin_protocol_policy = "match-viewer"
      origin_ssl_protocols   = ["TLSv1.1", "TLSv1.2"]
    }
  }
  origin {
    origin_id   = "site"
    domain_name = "site.s3.amazonaws.com"
  }`);

/** A JSON CloudFormation template with one resource. */
const jsonOne = (type: string, props: Record<string, unknown>, name = "Res") =>
  JSON.stringify(
    { AWSTemplateFormatVersion: "2010-09-09", Resources: { [name]: { Type: type, Properties: props } } },
    null,
    2,
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
const clbCfn = (policies: string, policyNames: string) =>
  cfn(`
  Clb:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Scheme: internal
      Subnets: [subnet-1]
      Listeners:
        - LoadBalancerPort: "443"
          InstancePort: "80"
          Protocol: HTTPS
          SSLCertificateId: arn:aws:acm:eu-west-1:111122223333:certificate/abc
          PolicyNames: [${policyNames}]
      Policies:
${policies
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}
`);
const clbTf = (policy: string) =>
  tf(`
  resource "aws_elb" "web" {
    name     = "web"
    internal = true
    subnets  = ["subnet-1"]
    listener {
      lb_port            = 443
      lb_protocol        = "https"
      instance_port      = 80
      instance_protocol  = "http"
      ssl_certificate_id = "arn:aws:acm:eu-west-1:111122223333:certificate/abc"
    }
  }
${policy}
`);

export const EDGE_CASES: RuleCase[] = [
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
        jsonOne(
          "AWS::ApiGateway::RestApi",
          { Name: "internal", EndpointConfiguration: { Types: ["PRIVATE"] }, Policy: { Statement: [invokeAll] } },
          "Api",
        ),
        jsonOne(
          "AWS::ApiGateway::RestApi",
          { Name: "public", Policy: { Statement: [{ ...invokeAll, Action: "execute-api:*" }] } },
          "Api",
        ),
      ],
      neg: [
        jsonOne(
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
  {
    rule: "TL-AWS-ELB-008",
    cfn: {
      pos: [
        clbCfn(
          "- PolicyName: legacy\n  PolicyType: SSLNegotiationPolicyType\n  Attributes:\n    - Name: Reference-Security-Policy\n      Value: ELBSecurityPolicy-2015-05",
          "legacy",
        ),
        clbCfn(
          "- PolicyName: custom\n  PolicyType: SSLNegotiationPolicyType\n  Attributes:\n    - Name: Protocol-TLSv1.2\n      Value: 'true'\n    - Name: Protocol-SSLv3\n      Value: 'true'\n    - Name: RC4-SHA\n      Value: 'true'",
          "custom",
        ),
        clbCfn(
          "- PolicyName: proxy\n  PolicyType: ProxyProtocolPolicyType\n  Attributes:\n    - Name: ProxyProtocol\n      Value: 'true'",
          "proxy",
        ),
      ],
      neg: [
        clbCfn(
          "- PolicyName: tls12\n  PolicyType: SSLNegotiationPolicyType\n  Attributes:\n    - Name: Reference-Security-Policy\n      Value: ELBSecurityPolicy-TLS-1-2-2017-01",
          "tls12",
        ),
        clbCfn(
          "- PolicyName: custom\n  PolicyType: SSLNegotiationPolicyType\n  Attributes:\n    - Name: Protocol-TLSv1.2\n      Value: 'true'\n    - Name: Protocol-SSLv3\n      Value: 'false'\n    - Name: ECDHE-RSA-AES128-GCM-SHA256\n      Value: 'true'",
          "custom",
        ),
      ],
    },
    json: {
      pos: [
        jsonOne(
          "AWS::ElasticLoadBalancing::LoadBalancer",
          {
            Scheme: "internal",
            Listeners: [
              {
                LoadBalancerPort: "443",
                InstancePort: "80",
                Protocol: "SSL",
                SSLCertificateId: "arn:aws:acm:x",
                PolicyNames: ["old"],
              },
            ],
            Policies: [
              {
                PolicyName: "old",
                PolicyType: "SSLNegotiationPolicyType",
                Attributes: [{ Name: "Reference-Security-Policy", Value: "ELBSecurityPolicy-2011-08" }],
              },
            ],
          },
          "Clb",
        ),
      ],
      neg: [
        jsonOne(
          "AWS::ElasticLoadBalancing::LoadBalancer",
          {
            Scheme: "internal",
            Listeners: [
              {
                LoadBalancerPort: "443",
                InstancePort: "80",
                Protocol: "HTTPS",
                SSLCertificateId: "arn:aws:acm:x",
                PolicyNames: ["tls12"],
              },
            ],
            Policies: [
              {
                PolicyName: "tls12",
                PolicyType: "SSLNegotiationPolicyType",
                Attributes: [{ Name: "Reference-Security-Policy", Value: "ELBSecurityPolicy-TLS-1-2-2017-01" }],
              },
            ],
          },
          "Clb",
        ),
        jsonOne(
          "AWS::ElasticLoadBalancing::LoadBalancer",
          {
            Scheme: "internal",
            Listeners: [{ LoadBalancerPort: "80", InstancePort: "80", Protocol: "HTTP" }],
          },
          "Clb",
        ),
      ],
    },
    tf: {
      pos: [
        clbTf(`  resource "aws_load_balancer_policy" "legacy" {
    load_balancer_name = aws_elb.web.name
    policy_name        = "legacy"
    policy_type_name   = "SSLNegotiationPolicyType"
    policy_attribute {
      name  = "Reference-Security-Policy"
      value = "ELBSecurityPolicy-2014-10"
    }
  }`),
        clbTf(`  resource "aws_load_balancer_policy" "custom" {
    load_balancer_name = aws_elb.web.name
    policy_name        = "custom"
    policy_type_name   = "SSLNegotiationPolicyType"
    policy_attribute {
      name  = "Protocol-TLSv1"
      value = "true"
    }
  }`),
        clbTf(""),
      ],
      neg: [
        clbTf(`  resource "aws_load_balancer_policy" "tls12" {
    load_balancer_name = aws_elb.web.name
    policy_name        = "tls12"
    policy_type_name   = "SSLNegotiationPolicyType"
    policy_attribute {
      name  = "Reference-Security-Policy"
      value = "ELBSecurityPolicy-TLS-1-2-2017-01"
    }
  }
  resource "aws_load_balancer_listener_policy" "https" {
    load_balancer_name = aws_elb.web.name
    load_balancer_port = 443
    policy_names       = [aws_load_balancer_policy.tls12.policy_name]
  }`),
      ],
    },
  },

  {
    rule: "TL-AWS-ELB-001",
    cfn: {
      pos: [
        listenerCfn("Port: 80\nProtocol: HTTP\nDefaultActions: [{ Type: forward, TargetGroupArn: arn:aws:tg }]"),
        // A redirect that keeps the request's protocol (#{protocol}, the default) still serves HTTP.
        listenerCfn("Port: 80\nProtocol: HTTP\nDefaultActions: [{ Type: redirect, RedirectConfig: { Port: '8080' } }]"),
      ],
      // KICS' alb_listening_on_http sample: a listener whose only action is a redirect serves nothing over HTTP.
      neg: [redirectCfn, httpsCfn, listenerCfn("Port: 80\nProtocol: HTTP\nDefaultActions: [{ Type: redirect }]")],
    },
    tf: {
      pos: [
        listenerTf(
          '  port     = 80\n  protocol = "HTTP"\n  default_action {\n    type             = "forward"\n    target_group_arn = "arn:aws:tg"\n  }',
        ),
      ],
      neg: [
        listenerTf(
          '  port     = 80\n  protocol = "HTTP"\n  default_action {\n    type = "redirect"\n    redirect {\n      protocol    = "HTTPS"\n      port        = "443"\n      status_code = "HTTP_301"\n    }\n  }',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-ELB-002",
    cfn: {
      pos: [
        listenerCfn("Port: 443\nProtocol: HTTPS\nSslPolicy: ELBSecurityPolicy-2016-08"),
        listenerCfn("Port: 443\nProtocol: HTTPS"),
      ],
      neg: [httpsCfn, redirectCfn],
    },
    tf: {
      pos: [listenerTf('  port = 443\n  protocol = "HTTPS"\n  ssl_policy = "ELBSecurityPolicy-TLS-1-1-2017-01"')],
      neg: [listenerTf('  port = 443\n  protocol = "HTTPS"\n  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"')],
    },
  },
  {
    rule: "TL-AWS-ELB-003",
    cfn: { pos: [lbCfn("- { Key: deletion_protection.enabled, Value: 'true' }")], neg: [goodLbCfn] },
    tf: { pos: [lbTf("    internal = true")], neg: [goodLbTf] },
  },
  {
    rule: "TL-AWS-ELB-004",
    cfn: { pos: [lbCfn("- { Key: access_logs.s3.enabled, Value: 'true' }")], neg: [goodLbCfn] },
    tf: { pos: [lbTf("    internal = true")], neg: [goodLbTf] },
  },
  {
    rule: "TL-AWS-ELB-005",
    cfn: { pos: [lbCfn("- { Key: access_logs.s3.enabled, Value: 'true' }")], neg: [goodLbCfn] },
    tf: { pos: [lbTf("    internal = true")], neg: [goodLbTf, lbTf('    load_balancer_type = "network"')] },
  },
  {
    rule: "TL-AWS-ELB-006",
    cfn: {
      pos: [
        cfn(
          `\n  Elb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Listeners: [{ LoadBalancerPort: '80', InstancePort: '80', Protocol: HTTP }]\n`,
        ),
      ],
      neg: [
        cfn(
          `\n  Elb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Listeners: [{ LoadBalancerPort: '443', InstancePort: '80', Protocol: HTTPS, SSLCertificateId: arn:aws:acm:x }]\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_elb" "e" {\n  listener {\n    lb_port           = 80\n    lb_protocol       = "http"\n    instance_port     = 80\n    instance_protocol = "http"\n  }\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_elb" "e" {\n  listener {\n    lb_port            = 443\n    lb_protocol        = "https"\n    instance_port      = 80\n    instance_protocol  = "http"\n    ssl_certificate_id = "arn:aws:acm:x"\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-ELB-007",
    cfn: {
      pos: [
        cfn(`\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties: { Subnets: [subnet-1] }\n`),
      ],
      neg: [goodLbCfn, lbCfn("- { Key: access_logs.s3.enabled, Value: 'true' }", "internal")],
    },
    tf: { pos: [lbTf("    internal = false", false)], neg: [goodLbTf, lbTf("    internal = true", false)] },
  },
  {
    rule: "TL-AWS-WAF-001",
    cfn: { pos: [wafCfn("[]")], neg: [goodLbCfn] },
    tf: {
      pos: [
        tf(
          `resource "aws_wafv2_web_acl" "acl" {\n  name  = "acl"\n  scope = "REGIONAL"\n  default_action {\n    allow {}\n  }\n}`,
        ),
      ],
      neg: [goodLbTf],
    },
  },
  {
    rule: "TL-AWS-WAF-002",
    cfn: { pos: [wafCfn("[]")], neg: [goodLbCfn] },
    tf: {
      pos: [
        lbTf("    internal = true", true).replace(
          /resource "aws_wafv2_web_acl_logging_configuration"[\s\S]*?\n {2}}\n/,
          "",
        ),
      ],
      neg: [goodLbTf],
    },
  },
  {
    rule: "TL-AWS-WAF-003",
    cfn: {
      pos: [
        wafCfn(
          "\n        - { Name: common, Priority: 0, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: AWS, Name: AWSManagedRulesCommonRuleSet } }, VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: c } }",
        ),
      ],
      neg: [goodLbCfn],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_wafv2_web_acl" "acl" {\n  name = "acl"\n  scope = "REGIONAL"\n  default_action {\n    allow {}\n  }\n}`,
        ),
      ],
      neg: [goodLbTf],
    },
  },
  {
    rule: "TL-AWS-WAF-004",
    cfn: {
      pos: [
        wafCfn(
          "\n        - { Name: rate, Priority: 0, Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: IP } }, VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: r } }",
        ),
      ],
      neg: [goodLbCfn, wafCfn("[]")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_wafv2_web_acl" "acl" {\n  name = "acl"\n  scope = "REGIONAL"\n  default_action {\n    allow {}\n  }\n  rule {\n    name = "rate"\n    priority = 0\n    statement {\n      rate_based_statement {\n        limit = 100\n      }\n    }\n  }\n}`,
        ),
      ],
      neg: [goodLbTf],
    },
  },
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
    rule: "TL-AWS-CF-001",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-002",
    cfn: {
      pos: [
        badDistCfn,
        distCfn("ViewerCertificate: { AcmCertificateArn: arn:aws:acm:x, MinimumProtocolVersion: TLSv1_2016 }"),
      ],
      neg: [goodDistCfn],
    },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-003",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-004",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-005",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-006",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-007",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
];
