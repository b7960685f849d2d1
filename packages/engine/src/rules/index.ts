import type { Rule } from "./types.ts";
import { OPENAPI_RULES } from "../openapi/rules.ts";
import { KUBERNETES_RULES } from "../kubernetes/rules.ts";
import { SECRET_RULES } from "../secrets/rules.ts";
import { INJECTION_RULE } from "../secrets/injection.ts";
import { AWS_RULES } from "../aws/rules/index.ts";

/** Every builtin rule, in the order rules run. The list is kept here, not filled by the families' modules. */
export const RULES: Rule[] = [
  ...OPENAPI_RULES,
  ...KUBERNETES_RULES,
  ...SECRET_RULES,
  INJECTION_RULE,
  // AWS rules for CloudFormation and Terraform, and the combination rules.
  ...AWS_RULES,
];
