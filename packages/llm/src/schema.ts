import { z } from "zod";
import { RatingSchema, SeveritySchema, StrideCategorySchema } from "@threatline/domain";

/** The name of the one tool the model is forced to call. */
export const TOOL_NAME = "record_threats";

export const TOOL_DESCRIPTION =
  "Records the STRIDE threats found in the template. Call it exactly once with every threat.";

/**
 * One threat as the model reports it. Deliberately smaller than `Threat`: fingerprints, scores, evidence
 * lines and resource types are computed from the graph after the answer is validated, never taken on trust.
 */
export const ModelThreatSchema = z.object({
  ruleId: z
    .string()
    .nullable()
    .optional()
    .describe("The ruleId of the rule finding this threat elaborates on, or null for a new threat."),
  category: StrideCategorySchema,
  title: z.string().min(3).max(200).describe("Short and specific, e.g. 'Public S3 bucket AppBucket exposes uploads'."),
  description: z.string().min(1).max(4000).describe("What can happen, how, and why this template allows it."),
  resourceIds: z
    .array(z.string().min(1))
    .min(1)
    .max(10)
    .describe("Resource ids from the resource_ids list; the first is the resource the threat is about."),
  severity: SeveritySchema,
  likelihood: RatingSchema,
  impact: RatingSchema,
  evidencePaths: z
    .array(z.string())
    .max(10)
    .optional()
    .describe("Property paths on the first resource that show the problem, e.g. 'Properties.AccessControl'."),
  remediations: z
    .array(
      z.object({
        text: z.string().min(1).max(2000),
        fix: z.string().max(4000).optional().describe("A fix snippet in the template's own language."),
      }),
    )
    .min(1)
    .max(5),
  references: z
    .object({
      cwe: z.array(z.string()).max(10).optional(),
      capec: z.array(z.string()).max(10).optional(),
      attack: z.array(z.string()).max(10).optional(),
    })
    .optional(),
});
export type ModelThreat = z.infer<typeof ModelThreatSchema>;

export const ModelThreatListSchema = z.object({
  threats: z.array(ModelThreatSchema).max(50),
});
export type ModelThreatList = z.infer<typeof ModelThreatListSchema>;

/** The tool's input schema, generated from the zod schema so that the two can never drift apart. */
export function toolInputSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ModelThreatListSchema, { io: "input" }) as Record<
    string,
    unknown
  >;
  return schema;
}

/** The validation errors of an answer, short enough to send back to the model in a repair request. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => `- ${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("\n");
}
