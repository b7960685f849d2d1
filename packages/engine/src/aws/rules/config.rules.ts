import { awsRule } from "./define.ts";

// TL-AWS-CONFIG: AWS Config.

export const CONFIG_RULES = [
  awsRule({
    id: "TL-AWS-CONFIG-001",
    title: "Config aggregator does not cover all regions",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.config.aggregator"],
    description:
      "Aggregator {resource} collects configuration from a fixed list of regions: resources created in any other region go unseen.",
    remediation: "Aggregate from all regions (AllAwsRegions / all_regions), which also covers regions enabled later.",
    fix: {
      cloudformation:
        "Properties:\n  OrganizationAggregationSource:\n    AllAwsRegions: true\n    RoleArn: !GetAtt AggregatorRole.Arn",
      terraform:
        "organization_aggregation_source {\n  all_regions = true\n  role_arn    = aws_iam_role.aggregator.arn\n}",
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => {
      const paths = Array.isArray(node.attrs.partialSources) ? (node.attrs.partialSources as string[]) : [];
      return paths.length > 0 && { paths };
    },
  }),
];
