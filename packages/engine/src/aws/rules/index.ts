import type { Rule } from "../../rules/types.ts";
import { S3_RULES } from "./s3.rules.ts";
import { SG_RULES } from "./sg.rules.ts";
import { EC2_RULES } from "./ec2.rules.ts";
import { VPC_RULES } from "./vpc.rules.ts";
import { IAM_RULES } from "./iam.rules.ts";
import { RP_RULES } from "./rp.rules.ts";
import { KMS_RULES } from "./kms.rules.ts";
import { CT_RULES } from "./ct.rules.ts";
import { RDS_RULES } from "./rds.rules.ts";
import { REDSHIFT_RULES } from "./redshift.rules.ts";
import { DDB_RULES } from "./ddb.rules.ts";
import { EC_RULES } from "./ec.rules.ts";
import { OS_RULES } from "./os.rules.ts";
import { EFS_RULES } from "./efs.rules.ts";
import { GLACIER_RULES } from "./glacier.rules.ts";
import { BACKUP_RULES } from "./backup.rules.ts";
import { KINESIS_RULES } from "./kinesis.rules.ts";
import { SQS_RULES } from "./sqs.rules.ts";
import { SNS_RULES } from "./sns.rules.ts";
import { SM_RULES } from "./sm.rules.ts";
import { ECR_RULES } from "./ecr.rules.ts";
import { LOGS_RULES } from "./logs.rules.ts";
import { LAMBDA_RULES } from "./lambda.rules.ts";
import { ECS_RULES } from "./ecs.rules.ts";
import { EKS_RULES } from "./eks.rules.ts";
import { ELB_RULES } from "./elb.rules.ts";
import { WAF_RULES } from "./waf.rules.ts";
import { API_RULES } from "./api.rules.ts";
import { CF_RULES } from "./cf.rules.ts";
import { TF_HTTP_RULES } from "./tf-http.rules.ts";
import { BATCH_RULES } from "./batch.rules.ts";
import { SAGEMAKER_RULES } from "./sagemaker.rules.ts";
import { ATHENA_RULES } from "./athena.rules.ts";
import { CODEBUILD_RULES } from "./codebuild.rules.ts";
import { DAX_RULES } from "./dax.rules.ts";
import { EMR_RULES } from "./emr.rules.ts";
import { MSK_RULES } from "./msk.rules.ts";
import { MQ_RULES } from "./mq.rules.ts";
import { WORKSPACES_RULES } from "./workspaces.rules.ts";
import { CONFIG_RULES } from "./config.rules.ts";
import { COMBO_RULES } from "./combo.rules.ts";

/**
 * Every builtin AWS rule, CloudFormation and Terraform alike, and the combination rules. A rule `TL-AWS-<SVC>-NNN`
 * lives in `<svc>.rules.ts` (`TL-<PREFIX>-NNN` in `<prefix>.rules.ts`), which test/aws/rule-files.test.ts checks.
 */
export const AWS_RULES: Rule[] = [
  ...S3_RULES,
  ...SG_RULES,
  ...EC2_RULES,
  ...VPC_RULES,
  ...IAM_RULES,
  ...RP_RULES,
  ...KMS_RULES,
  ...CT_RULES,
  ...RDS_RULES,
  ...REDSHIFT_RULES,
  ...DDB_RULES,
  ...EC_RULES,
  ...OS_RULES,
  ...EFS_RULES,
  ...GLACIER_RULES,
  ...BACKUP_RULES,
  ...KINESIS_RULES,
  ...SQS_RULES,
  ...SNS_RULES,
  ...SM_RULES,
  ...ECR_RULES,
  ...LOGS_RULES,
  ...LAMBDA_RULES,
  ...ECS_RULES,
  ...EKS_RULES,
  ...ELB_RULES,
  ...WAF_RULES,
  ...API_RULES,
  ...CF_RULES,
  ...TF_HTTP_RULES,
  ...BATCH_RULES,
  ...SAGEMAKER_RULES,
  ...ATHENA_RULES,
  ...CODEBUILD_RULES,
  ...DAX_RULES,
  ...EMR_RULES,
  ...MSK_RULES,
  ...MQ_RULES,
  ...WORKSPACES_RULES,
  ...CONFIG_RULES,
  ...COMBO_RULES,
];
