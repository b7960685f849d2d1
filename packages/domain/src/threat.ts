import { z } from "zod";
import { RatingSchema, SeveritySchema } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";

/** A resource as its users write it: CloudFormation logical id, Terraform address, `GET /users/{id}`, `Kind/ns/name`. */
export const ResourceRefSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative().nullable(),
});
export type ResourceRef = z.infer<typeof ResourceRefSchema>;

/** Where in the template the threat shows: a file, a line and the property path (`Properties.AccessControl`). */
export const EvidenceSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative().nullable(),
  path: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** A remediation in words, and where possible a fix written in the template's own language. */
export const RemediationSchema = z.object({
  text: z.string().min(1),
  fix: z.string().optional(),
});
export type Remediation = z.infer<typeof RemediationSchema>;

export const ReferencesSchema = z.object({
  cwe: z.array(z.string()).default([]),
  capec: z.array(z.string()).default([]),
  attack: z.array(z.string()).default([]),
});
export type References = z.infer<typeof ReferencesSchema>;

/** A rule whose threat was merged into this one (same weakness on the same resource, or a part of a combination). */
export const ContributingRuleSchema = z.object({
  ruleId: z.string(),
  /** The fingerprint that rule's threat had on its own; triage recorded on it moves to this threat. */
  fingerprint: z.string(),
  title: z.string(),
});
export type ContributingRule = z.infer<typeof ContributingRuleSchema>;

/** `manual`: written by a person in the project, not found by a run. */
export const THREAT_SOURCES = ["rule", "llm", "rule+llm", "import", "manual"] as const;
export const ThreatSourceSchema = z.enum(THREAT_SOURCES);
export type ThreatSource = z.infer<typeof ThreatSourceSchema>;

/**
 * A threat as every part of Threatline exchanges it: the engine's output, the worker's input to the
 * database, the API's answer and `threatline scan --format json`. Part of the public contract.
 */
export const ThreatSchema = z.object({
  fingerprint: z.string().min(1),
  ruleId: z.string().nullable(),
  category: StrideCategorySchema,
  title: z.string().min(1),
  description: z.string(),
  severity: SeveritySchema,
  likelihood: RatingSchema,
  impact: RatingSchema,
  score: z.number(),
  resources: z.array(ResourceRefSchema),
  evidence: z.array(EvidenceSchema),
  remediations: z.array(RemediationSchema),
  references: ReferencesSchema,
  source: ThreatSourceSchema,
  /**
   * Other rules that reported the same weakness on the same resource, merged into this threat; their evidence is
   * in `evidence`. Empty for a threat one rule found.
   */
  contributingRules: z.array(ContributingRuleSchema).optional(),
});
export type Threat = z.infer<typeof ThreatSchema>;
