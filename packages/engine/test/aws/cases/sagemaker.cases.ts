import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

export const SAGEMAKER_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-SAGEMAKER-001",
    cfn: {
      pos: [
        one(
          "AWS::SageMaker::NotebookInstance",
          "InstanceType: ml.t3.medium\nRoleArn: arn:aws:iam::111122223333:role/nb",
        ),
      ],
      neg: [
        one(
          "AWS::SageMaker::NotebookInstance",
          "InstanceType: ml.t3.medium\nRoleArn: arn:aws:iam::111122223333:role/nb\nDirectInternetAccess: Disabled\nSubnetId: subnet-1\nSecurityGroupIds: [sg-1]",
        ),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_sagemaker_notebook_instance",
          'name = "nb"\nrole_arn = "r"\ninstance_type = "ml.t3.medium"\ndirect_internet_access = "Enabled"',
        ),
      ],
      neg: [
        res(
          "aws_sagemaker_notebook_instance",
          'name = "nb"\nrole_arn = "r"\ninstance_type = "ml.t3.medium"\ndirect_internet_access = "Disabled"\nsubnet_id = "subnet-1"',
        ),
      ],
    },
  },
];
