import type { FormatHandler } from "./types.ts";
import { openApiHandler } from "../openapi/parse.ts";
import { kubernetesHandler } from "../kubernetes/parse.ts";
import { cloudFormationHandler } from "../cloudformation/parse.ts";
import { terraformHandler, terraformPlanHandler } from "../terraform/index.ts";

/**
 * Every format the engine understands, in detection order (first match wins). Each format's module adds
 * its handler here.
 */
export const FORMAT_HANDLERS: FormatHandler[] = [];

// OpenAPI and Kubernetes (append-only; each format keeps its own line).
FORMAT_HANDLERS.push(openApiHandler);
FORMAT_HANDLERS.push(kubernetesHandler);

// CloudFormation, Terraform plan JSON, Terraform HCL (append-only).
FORMAT_HANDLERS.push(cloudFormationHandler, terraformPlanHandler, terraformHandler);
