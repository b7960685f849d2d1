import type { RuleCase } from "../../rule-cases.ts";
import { res } from "./fixtures.ts";

export const GLACIER_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-GLACIER-001",
    tf: {
      pos: [
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ["glacier:InitiateJob", "glacier:GetJobOutput"], Resource = "arn:aws:glacier:eu-west-1:111122223333:vaults/archive" }] })',
        ),
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = <<EOF\n{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"glacier:*","Resource":"*"}]}\nEOF',
        ),
      ],
      neg: [
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ["glacier:InitiateJob"], Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } }] })',
        ),
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "glacier:DeleteArchive", Resource = "*" }] })',
        ),
      ],
    },
  },
];
