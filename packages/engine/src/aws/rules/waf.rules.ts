import { at, awsRule } from "./define.ts";

// TL-AWS-WAF: AWS WAF.

const WAF = ["aws.wafv2.web-acl"];

export const WAF_RULES = [
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
];
