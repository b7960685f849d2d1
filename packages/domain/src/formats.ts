import { z } from "zod";

/** The template formats Threatline understands, detected from content. */
export const TEMPLATE_FORMATS = ["cloudformation", "terraform", "terraform-plan", "openapi", "kubernetes"] as const;
export const TemplateFormatSchema = z.enum(TEMPLATE_FORMATS);
export type TemplateFormat = z.infer<typeof TemplateFormatSchema>;

export const FORMAT_LABELS: Record<TemplateFormat, string> = {
  cloudformation: "CloudFormation",
  terraform: "Terraform",
  "terraform-plan": "Terraform plan",
  openapi: "OpenAPI",
  kubernetes: "Kubernetes",
};
