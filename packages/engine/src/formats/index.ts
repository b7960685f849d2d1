import type { FormatHandler } from "./types.ts";
import { openApiHandler } from "../openapi/parse.ts";
import { kubernetesHandler } from "../kubernetes/parse.ts";
import { cloudFormationHandler } from "../cloudformation/parse.ts";
import { terraformHandler, terraformPlanHandler } from "../terraform/index.ts";

/**
 * Every format the engine understands, in detection order (first match wins). The list is kept here, not filled by
 * the formats' modules: a new format adds its handler where its detection order puts it.
 */
export const FORMAT_HANDLERS: FormatHandler[] = [
  openApiHandler,
  kubernetesHandler,
  // CloudFormation, Terraform plan JSON, Terraform HCL.
  cloudFormationHandler,
  terraformPlanHandler,
  terraformHandler,
];
