import type { Rule } from "../../rules/types.ts";
import { COMBO_RULES } from "./combo.rules.ts";
import { COMPUTE_RULES } from "./compute.rules.ts";
import { DATA_RULES } from "./data.rules.ts";
import { EDGE_RULES } from "./edge.rules.ts";
import { IDENTITY_RULES } from "./identity.rules.ts";
import { NETWORK_RULES } from "./network.rules.ts";
import { S3_RULES } from "./s3.rules.ts";
import { SERVICE_RULES } from "./services.rules.ts";

/** Every builtin AWS rule, CloudFormation and Terraform alike, and the combination rules. */
export const AWS_RULES: Rule[] = [
  ...S3_RULES,
  ...NETWORK_RULES,
  ...IDENTITY_RULES,
  ...DATA_RULES,
  ...COMPUTE_RULES,
  ...EDGE_RULES,
  ...SERVICE_RULES,
  ...COMBO_RULES,
];
