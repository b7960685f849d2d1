import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { json } from "./fixtures.ts";

export const lbCfn = (attrs: string, scheme = "internet-facing") =>
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

export const goodLbCfn = lbCfn(
  "- { Key: access_logs.s3.enabled, Value: 'true' }\n- { Key: deletion_protection.enabled, Value: 'true' }\n- { Key: routing.http.drop_invalid_header_fields.enabled, Value: 'true' }",
);

export const lbTf = (body: string, waf = true) =>
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

export const goodLbTf = lbTf(
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

/** A classic load balancer with one TLS listener (`SSL` or `HTTPS`) using the named reference policy (JSON). */
const classicTlsJson = (protocol: string, name: string, referencePolicy: string) =>
  json(
    "AWS::ElasticLoadBalancing::LoadBalancer",
    {
      Scheme: "internal",
      Listeners: [
        {
          LoadBalancerPort: "443",
          InstancePort: "80",
          Protocol: protocol,
          SSLCertificateId: "arn:aws:acm:x",
          PolicyNames: [name],
        },
      ],
      Policies: [
        {
          PolicyName: name,
          PolicyType: "SSLNegotiationPolicyType",
          Attributes: [{ Name: "Reference-Security-Policy", Value: referencePolicy }],
        },
      ],
    },
    "Clb",
  );

export const ELB_CASES: RuleCase[] = [
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
      pos: [classicTlsJson("SSL", "old", "ELBSecurityPolicy-2011-08")],
      neg: [
        classicTlsJson("HTTPS", "tls12", "ELBSecurityPolicy-TLS-1-2-2017-01"),
        json(
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
];
