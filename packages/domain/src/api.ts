import { z } from "zod";
import { AnalysisStatusSchema, TriageStatusSchema, type FileWarning } from "./analysis.ts";
import { SeveritySchema } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";
import { ThreatSourceSchema } from "./threat.ts";
import type { OmittedThreats } from "./bounds.ts";
import { THREAT_SORTS, ThreatListFilterShape } from "./views.ts";

/** Request and response shapes of the HTTP API, shared by the API, the SPA and the CLI. */

export const IdParamSchema = z.object({ id: z.uuid() });

export const CreateProjectSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(""),
  teamId: z.uuid().optional(),
});
export type CreateProjectInput = z.infer<typeof CreateProjectSchema>;

/** A relative path with forward slashes, no `..`, no absolute paths, no control characters, valid Unicode. */
export const TemplatePathSchema = z
  .string()
  .min(1)
  .max(512)
  .transform((p) => p.replace(/\\/g, "/").replace(/^\.\/+/, ""))
  .refine(
    (p) =>
      !p.startsWith("/") &&
      !p.split("/").includes("..") &&
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
      !/[\u0000-\u001f]/.test(p) &&
      !hasLoneSurrogate(p),
    { message: "must be a relative path without '..', control characters or lone surrogates" },
  );

export const SubmissionFileSchema = z.object({
  path: TemplatePathSchema,
  content: z.string(),
});

export const JsonSubmissionSchema = z.object({
  files: z.array(SubmissionFileSchema).min(1),
  /** Skip the LLM cache and pay for a fresh answer. */
  force: z.boolean().default(false),
  source: z.enum(["web", "cli", "api"]).default("api"),
});
export type JsonSubmission = z.infer<typeof JsonSubmissionSchema>;

/** A file of a submission refused on its own (binary, empty, too large…) while the others were accepted. */
export const RejectedFileSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });
export type RejectedFile = z.infer<typeof RejectedFileSchema>;

/** `GET /settings/submissions`: the limits a submission is checked against, so a browser checks them first. */
export interface SubmissionLimitsDto {
  maxFileBytes: number;
  maxFiles: number;
  maxSubmissionBytes: number;
}

export const SubmissionResultSchema = z.object({
  batchId: z.uuid(),
  analyses: z.array(
    z.object({
      id: z.uuid(),
      path: z.string(),
      templateVersionId: z.uuid(),
      deduplicated: z.boolean(),
      /** Not submitted: a spec analysed again because infrastructure that serves it changed (TL-API-INFRA). */
      relinked: z.boolean().optional(),
    }),
  ),
  /** Files refused one by one, with the reason's stable code; the rest of the batch went ahead. */
  rejected: z.array(RejectedFileSchema).default([]),
});
export type SubmissionResult = z.infer<typeof SubmissionResultSchema>;

export const StatusCountsSchema = z.partialRecord(AnalysisStatusSchema, z.number().int());
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

export interface ProjectDto {
  id: string;
  teamId: string;
  name: string;
  description: string;
  createdAt: string;
  riskScore: number;
  threatCount: number;
  lastAnalyzedAt: string | null;
}

export interface AnalysisDto {
  id: string;
  projectId: string;
  /** The project's team: what the caller may do here follows their role in it. */
  teamId: string;
  batchId: string | null;
  path: string;
  templateVersionId: string;
  sha256: string;
  status: z.infer<typeof AnalysisStatusSchema>;
  format: string | null;
  resourceCount: number | null;
  provider: string;
  model: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  llmCacheHit: boolean;
  threatCount: number;
  /** Threats found beyond the worker's cap and not stored (then status is partial, `analysis/truncated`). */
  omittedThreatCount: number;
  /** What those were, by severity and rule; null when nothing was left out. */
  omittedSummary: OmittedThreats | null;
  riskScore: number;
  severityCounts: Record<string, number>;
  errorCode: string | null;
  errorMessage: string | null;
  /** What the parser read leniently in the template (a duplicate key: the last one wins); its threats stand. */
  warnings: FileWarning[];
}

export interface BatchDto {
  id: string;
  projectId: string;
  source: string;
  fileCount: number;
  createdAt: string;
  /** `partial` once every file is final and some failed, were canceled or were refused (`rejected`). */
  status: "queued" | "running" | "succeeded" | "partial" | "failed";
  counts: StatusCounts;
  /** Files refused at submission, with their reason; they have no analysis. */
  rejected: RejectedFile[];
  analyses: Array<
    Pick<
      AnalysisDto,
      "id" | "path" | "status" | "format" | "threatCount" | "errorCode" | "errorMessage" | "severityCounts"
    >
  >;
}

/** `GET /batches`: the newest batches, of one project or of every project the caller sees. */
export const BatchListQuerySchema = z.object({
  projectId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type BatchListQuery = z.infer<typeof BatchListQuerySchema>;

/** One Server-Sent Event on `GET /batches/:id/events`. */
export const AnalysisEventSchema = z.object({
  analysisId: z.uuid(),
  batchId: z.uuid().nullable(),
  projectId: z.uuid(),
  status: AnalysisStatusSchema,
  threatCount: z.number().int().optional(),
  errorCode: z.string().nullable().optional(),
  at: z.string(),
});
export type AnalysisEvent = z.infer<typeof AnalysisEventSchema>;

/**
 * The Server-Sent Events of `GET /batches/:id/events`, by event name: a `snapshot` of the batch first, an
 * `analysis` per status change, `done` with the final batch. The API writes them, the SPA and the CLI read them.
 */
export interface BatchStreamEvents {
  snapshot: BatchDto;
  analysis: AnalysisEvent;
  done: BatchDto;
}
export type BatchStreamEventName = keyof BatchStreamEvents;
export const BATCH_STREAM_EVENT_NAMES = [
  "snapshot",
  "analysis",
  "done",
] as const satisfies readonly BatchStreamEventName[];
/** One event of the batch stream, as a union tagged by its name. */
export type BatchStreamEvent = {
  [E in BatchStreamEventName]: { event: E; data: BatchStreamEvents[E] };
}[BatchStreamEventName];

/** One SSE message of the batch stream (`event:` and `data:` lines). */
export function batchStreamMessage<E extends BatchStreamEventName>(event: E, data: BatchStreamEvents[E]): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Reads one received SSE message of the batch stream; null for an event name it does not know, or an
 * `analysis` event that does not parse (a newer server may add fields and events; a reader skips them).
 * Batch snapshots are taken as the server wrote them.
 */
export function parseBatchStreamEvent(event: string, data: string): BatchStreamEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  switch (event) {
    case "snapshot":
    case "done":
      return { event, data: json as BatchDto };
    case "analysis": {
      const parsed = AnalysisEventSchema.safeParse(json);
      return parsed.success ? { event, data: parsed.data } : null;
    }
    default:
      return null;
  }
}

export const ThreatQuerySchema = z.object({
  category: StrideCategorySchema.optional(),
  severity: SeveritySchema.optional(),
  source: ThreatSourceSchema.optional(),
  triage: TriageStatusSchema.optional(),
  q: z.string().max(200).optional(),
  /** Exact resource id, as for a project's current threats. */
  resource: z.string().max(300).optional(),
  ...ThreatListFilterShape,
  sort: z.enum(THREAT_SORTS).default("score"),
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ThreatQuery = z.infer<typeof ThreatQuerySchema>;

/** `GET /analyses/:id/threat-summary`: what the Analysis view's chart and resource picker need, without the threats. */
export interface ThreatSummaryDto {
  /** Threats per STRIDE category and severity (cells with no threat left out). */
  cells: Array<{
    category: z.infer<typeof StrideCategorySchema>;
    severity: z.infer<typeof SeveritySchema>;
    count: number;
  }>;
  /** Distinct resource ids, sorted; at most 1,000. */
  resources: string[];
}

/** A UTF-16 surrogate without its pair: it has no UTF-8 form, so PostgreSQL (and Prisma) cannot take it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds a lone surrogate (`"\ud800"` in JSON), which is not text. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** The path of the first string (value or key) in a parsed JSON value that holds a lone surrogate, or null. */
export function findLoneSurrogate(value: unknown, path: Array<string | number> = []): Array<string | number> | null {
  if (typeof value === "string") return hasLoneSurrogate(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findLoneSurrogate(item, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (hasLoneSurrogate(key)) return [...path, key];
      const found = findLoneSurrogate(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
