import { z } from "zod";
import { SeveritySchema, type Severity } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";

/**
 * What people add to a generated threat model: threats written by hand, edits of generated threats (kept by
 * fingerprint across re-analysis), mitigations tracked as records of their own, and assumptions. These are
 * the records Threat Composer and Threat Dragon users expect; exporters read them from here.
 */

/** Likelihood and impact given to a threat written by hand, from the severity its author chose. */
export const MANUAL_RATINGS: Record<Severity, { likelihood: number; impact: number }> = {
  critical: { likelihood: 5, impact: 4 },
  high: { likelihood: 4, impact: 3 },
  medium: { likelihood: 3, impact: 2 },
  low: { likelihood: 3, impact: 1 },
  info: { likelihood: 1, impact: 1 },
};

/**
 * The score a threat counts for in the risk once someone changed its severity: its own score when the severity
 * is unchanged, otherwise the lowest score of the chosen band (critical 20, high 12, medium 6, low 3, info 1), so
 * that lowering a critical to low lowers the risk and raising a low to critical raises it.
 */
export function scoreForSeverity(severity: Severity, original: { severity: Severity; score: number }): number {
  if (severity === original.severity) return original.score;
  const { likelihood, impact } = MANUAL_RATINGS[severity];
  return likelihood * impact;
}

/** A threat added by hand: the fields a reviewer fills in. */
export const ManualThreatInputSchema = z.object({
  category: StrideCategorySchema,
  severity: SeveritySchema,
  title: z.string().trim().min(1).max(300),
  description: z.string().max(8000).default(""),
  resource: z
    .object({
      id: z.string().trim().min(1).max(300),
      type: z.string().trim().max(200).default(""),
      file: z.string().trim().max(500).default(""),
    })
    .nullish(),
});
export type ManualThreatInput = z.infer<typeof ManualThreatInputSchema>;

/** An edit of a threat's text or severity; `null` restores the engine's value, an absent key keeps the edit. */
export const ThreatEditInputSchema = z
  .object({
    title: z.string().trim().min(1).max(300).nullable(),
    description: z.string().max(8000).nullable(),
    severity: SeveritySchema.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "name at least one of title, description, severity" });
export type ThreatEditInput = z.infer<typeof ThreatEditInputSchema>;

/** What the engine said before someone edited a threat. */
export interface ThreatOriginal {
  title: string;
  description: string;
  severity: Severity;
  score: number;
}

export const MITIGATION_STATUSES = ["identified", "in_progress", "done", "wont_do"] as const;
export const MitigationStatusSchema = z.enum(MITIGATION_STATUSES);
export type MitigationStatus = z.infer<typeof MitigationStatusSchema>;

/**
 * Whether a threat's mitigations close it: at least one is done and none is still to do (identified or in
 * progress). Won't-do mitigations neither close a threat nor keep it open.
 */
export function mitigationsClose(statuses: readonly MitigationStatus[]): boolean {
  return statuses.includes("done") && !statuses.some((s) => s === "identified" || s === "in_progress");
}

export const TicketUrlSchema = z
  .url({ protocol: /^https?$/, message: "a ticket link is an http(s) URL" })
  .max(2000)
  .nullish()
  .or(z.literal("").transform(() => null));

/** A mitigation as every part of Threatline exchanges it (API, exports). */
export const MitigationSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  status: MitigationStatusSchema,
  owner: z.string().nullable(),
  ticketUrl: z.string().nullable(),
  /** Fingerprints of the threats it mitigates. */
  fingerprints: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Mitigation = z.infer<typeof MitigationSchema>;

const FingerprintsSchema = z.array(z.string().min(1).max(200)).max(1000);

/** A mitigation's fields, every one optional: a change names only what it changes (no defaults fill the rest). */
export const MitigationPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().max(8000),
    status: MitigationStatusSchema,
    owner: z.string().trim().max(200).nullable(),
    ticketUrl: TicketUrlSchema,
    fingerprints: FingerprintsSchema,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "name at least one field to change" });
export type MitigationPatch = z.infer<typeof MitigationPatchSchema>;

export const MitigationInputSchema = z.object({
  title: z.string().trim().min(1).max(300),
  description: z.string().max(8000).default(""),
  status: MitigationStatusSchema.default("identified"),
  owner: z.string().trim().max(200).nullish(),
  ticketUrl: TicketUrlSchema,
  fingerprints: FingerprintsSchema.default([]),
});
export type MitigationInput = z.infer<typeof MitigationInputSchema>;

/** Something the threat model takes for granted, optionally about some threats. */
export const AssumptionSchema = z.object({
  id: z.string(),
  text: z.string(),
  fingerprints: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Assumption = z.infer<typeof AssumptionSchema>;

const AssumptionTextSchema = z.string().trim().min(1).max(4000);

export const AssumptionInputSchema = z.object({
  text: AssumptionTextSchema,
  fingerprints: FingerprintsSchema.default([]),
});
export type AssumptionInput = z.infer<typeof AssumptionInputSchema>;

export const AssumptionPatchSchema = z
  .object({ text: AssumptionTextSchema, fingerprints: FingerprintsSchema })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: "name at least one field to change" });
