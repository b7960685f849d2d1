import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

export const CONFIG_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-CONFIG-001",
    cfn: {
      pos: [
        one(
          "AWS::Config::ConfigurationAggregator",
          "ConfigurationAggregatorName: org\nOrganizationAggregationSource:\n  AwsRegions: [eu-west-1]\n  RoleArn: arn:aws:iam::111122223333:role/agg",
        ),
      ],
      neg: [
        one(
          "AWS::Config::ConfigurationAggregator",
          "ConfigurationAggregatorName: org\nOrganizationAggregationSource:\n  AllAwsRegions: true\n  RoleArn: arn:aws:iam::111122223333:role/agg",
        ),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_config_configuration_aggregator",
          'name = "org"\naccount_aggregation_source {\n  account_ids = ["111122223333"]\n  regions = ["eu-west-1"]\n}',
        ),
      ],
      neg: [
        res(
          "aws_config_configuration_aggregator",
          'name = "org"\norganization_aggregation_source {\n  all_regions = true\n  role_arn = aws_iam_role.agg.arn\n}',
        ),
      ],
    },
  },
];
