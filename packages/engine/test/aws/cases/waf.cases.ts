import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { goodLbCfn, lbTf, goodLbTf } from "./elb.cases.ts";

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

export const WAF_CASES: RuleCase[] = [
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
];
