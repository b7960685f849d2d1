import type { Rule } from "./types.ts";
import { OPENAPI_RULES } from "../openapi/rules.ts";
import { KUBERNETES_RULES } from "../kubernetes/rules.ts";
import { SECRET_RULES } from "../secrets/rules.ts";
import { INJECTION_RULE } from "../secrets/injection.ts";
import { AWS_RULES } from "../aws/rules/index.ts";

/** Every builtin rule. Each rule family's module adds its list here. */
export const RULES: Rule[] = [];

// OpenAPI, Kubernetes, secrets and prompt-injection rules (append-only).
RULES.push(...OPENAPI_RULES);
RULES.push(...KUBERNETES_RULES);
RULES.push(...SECRET_RULES);
RULES.push(INJECTION_RULE);

// AWS rules for CloudFormation and Terraform, and combination rules (append-only).
RULES.push(...AWS_RULES);
