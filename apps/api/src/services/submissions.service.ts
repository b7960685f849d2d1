import { createHash } from "node:crypto";
import type { Queue } from "bullmq";
import { enqueueMany } from "@threatline/queue";
import type { Redis } from "ioredis";
import {
  AppError,
  formatBytes,
  hasLoneSurrogate,
  type ErrorCode,
  type RejectedFile,
  type SubmissionResult,
} from "@threatline/domain";
import type { Db } from "@threatline/db";
import { ENGINE_VERSION } from "@threatline/engine";
import type { Logger } from "../lib/logger.ts";
import type { Actor } from "../auth/context.ts";
import { getProjectFor } from "./projects.service.ts";
import { specsServedBy } from "./spec-relink.ts";

export interface IncomingFile {
  path: string;
  content: string;
  /** Already refused by the route (an upload over the size limit is not decoded). */
  refused?: { code: ErrorCode; message: string };
}

export interface SubmissionDeps {
  db: Db;
  queue: Queue;
  redis: Redis;
  logger: Logger;
}

export interface SubmissionOptions {
  force: boolean;
  source: "web" | "cli" | "api";
  maxFiles: number;
  maxFileBytes: number;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

type FileRefusal = { code: ErrorCode; message: string };

/**
 * Why one file of a submission cannot be analysed, or undefined: too large, not text, or empty. The same checks
 * (and codes) as the engine's, made before anything is stored so the file can be refused on its own.
 */
function refusal(file: IncomingFile, options: SubmissionOptions): FileRefusal | undefined {
  if (file.refused) return file.refused;
  const bytes = Buffer.byteLength(file.content, "utf8");
  if (bytes > options.maxFileBytes)
    return {
      code: "template/too-large",
      message: `The file is ${formatBytes(bytes)}; the limit is ${formatBytes(options.maxFileBytes)}.`,
    };
  // PostgreSQL text cannot hold NUL, U+FFFD is what invalid UTF-8 decodes to, and a lone surrogate has no
  // UTF-8 form: none is a template.
  if (file.content.includes("\u0000") || file.content.includes("\uFFFD") || hasLoneSurrogate(file.content))
    return { code: "template/not-text", message: "The file is binary or not valid UTF-8 (or UTF-16 with a BOM)." };
  if (file.content.trim() === "") return { code: "template/empty", message: "The file is empty." };
  return undefined;
}

/**
 * Splits a submission into the files to analyse and the files refused with their reason. The submission as a
 * whole is refused when it is malformed (no files, too many, a path twice) or when no file is left to analyse:
 * then with the reason of the (first) refused file, so one bad file sent alone gets its own code at once.
 */
export function checkFiles(
  files: IncomingFile[],
  options: SubmissionOptions,
): { accepted: IncomingFile[]; rejected: Array<RejectedFile & FileRefusal> } {
  if (files.length === 0) throw new AppError("request/invalid", "The submission has no files.");
  if (files.length > options.maxFiles) {
    throw new AppError(
      "request/too-many-files",
      `The submission has ${files.length} files; the limit is ${options.maxFiles}.`,
    );
  }
  const seen = new Set<string>();
  const accepted: IncomingFile[] = [];
  const rejected: Array<RejectedFile & FileRefusal> = [];
  for (const file of files) {
    if (seen.has(file.path))
      throw new AppError("request/invalid", `The path "${file.path}" appears twice in the submission.`);
    seen.add(file.path);
    const why = refusal(file, options);
    if (why) rejected.push({ path: file.path, ...why });
    else accepted.push(file);
  }
  if (accepted.length === 0) {
    const first = rejected[0]!;
    const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more file${rejected.length > 2 ? "s" : ""})` : "";
    throw new AppError(first.code, `"${first.path}": ${first.message}${more}`, { rejected });
  }
  return { accepted, rejected };
}

/** Fails fast with 503 while Redis is down, so that nothing is half-written. */
async function assertQueueReachable(redis: Redis): Promise<void> {
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 1_500)),
    ]);
  } catch {
    throw new AppError(
      "queue/unavailable",
      "The job queue (Redis) is unreachable; nothing was submitted. Try again shortly.",
    );
  }
}

/**
 * Records a submission in PostgreSQL (the files refused on their own listed in the batch with their reason) in one transaction (content stored once per sha256, one template version
 * per distinct content, a batch, one analysis per file), then enqueues one job per analysis. If enqueueing
 * fails after the commit, the reconciler enqueues the analyses later: nothing accepted is lost.
 */
export async function submit(
  deps: SubmissionDeps,
  actor: Actor,
  projectId: string,
  files: IncomingFile[],
  options: SubmissionOptions,
): Promise<SubmissionResult> {
  const project = await getProjectFor(deps.db, actor, projectId, "editor");
  const { accepted, rejected } = checkFiles(files, options);
  await assertQueueReachable(deps.redis);

  const hashed = accepted.map((f) => ({ ...f, sha256: sha256(f.content) }));
  const result = await deps.db.$transaction(
    async (tx) => {
      const blobs = new Map(hashed.map((f) => [f.sha256, f]));
      await tx.blob.createMany({
        data: [...blobs.values()].map((f) => ({
          sha256: f.sha256,
          content: f.content,
          size: Buffer.byteLength(f.content, "utf8"),
        })),
        skipDuplicates: true,
      });
      await tx.template.createMany({
        data: hashed.map((f) => ({ projectId: project.id, path: f.path })),
        skipDuplicates: true,
      });
      const templates = await tx.template.findMany({
        where: { projectId: project.id, path: { in: hashed.map((f) => f.path) } },
      });
      const templateIdByPath = new Map(templates.map((t) => [t.path, t.id]));
      const wanted = hashed.map((f) => ({ templateId: templateIdByPath.get(f.path)!, sha256: f.sha256, path: f.path }));

      const existing = await tx.templateVersion.findMany({
        where: { OR: wanted.map(({ templateId, sha256 }) => ({ templateId, sha256 })) },
      });
      const existed = new Set(existing.map((v) => `${v.templateId}:${v.sha256}`));
      // What the changed files said before this submission (a gateway that served a spec and no longer does).
      const changedIds = wanted.filter((w) => !existed.has(`${w.templateId}:${w.sha256}`)).map((w) => w.templateId);
      const before = await tx.template.findMany({
        where: { id: { in: changedIds } },
        include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
      });
      const previous = new Map(before.flatMap((t) => (t.versions[0] ? [[t.id, t.versions[0].blob.content]] : [])));
      await tx.templateVersion.createMany({
        data: wanted.map(({ templateId, sha256 }) => ({ templateId, sha256 })),
        skipDuplicates: true,
      });
      const versions = await tx.templateVersion.findMany({
        where: { OR: wanted.map(({ templateId, sha256 }) => ({ templateId, sha256 })) },
      });
      const versionId = new Map(versions.map((v) => [`${v.templateId}:${v.sha256}`, v.id]));

      const batch = await tx.batch.create({
        data: {
          projectId: project.id,
          createdById: actor.userId,
          source: options.source,
          fileCount: files.length,
          rejectedFiles: rejected,
        },
      });
      // Specs analysed with a changed gateway template as context get a new analysis in this batch (their
      // TL-API-INFRA threats are stale). Never forced: the model's answer for a spec is cached by the spec's
      // content, prompt, model and engine version, so this re-link pays for no model call already paid for.
      const byPath = new Map(hashed.map((f) => [f.path, f]));
      const relinks = await specsServedBy(
        tx,
        project.id,
        wanted
          .filter((w) => changedIds.includes(w.templateId))
          .map((w) => ({
            templateId: w.templateId,
            path: w.path,
            content: byPath.get(w.path)!.content,
            ...(previous.has(w.templateId) ? { previous: previous.get(w.templateId)! } : {}),
          })),
        hashed,
      );
      const analyses = await tx.analysis.createManyAndReturn({
        data: [
          ...wanted.map((w) => ({
            projectId: project.id,
            batchId: batch.id,
            templateVersionId: versionId.get(`${w.templateId}:${w.sha256}`)!,
            engineVersion: ENGINE_VERSION,
            force: options.force,
          })),
          ...relinks.map((r) => ({
            projectId: project.id,
            batchId: batch.id,
            templateVersionId: r.templateVersionId,
            engineVersion: ENGINE_VERSION,
            force: false,
          })),
        ],
        select: { id: true, templateVersionId: true },
      });
      // Paths are unique in a submission, so each analysis has a template version of its own to be matched by.
      const analysisIdByVersion = new Map(analyses.map((a) => [a.templateVersionId, a.id]));
      return {
        batchId: batch.id,
        analyses: wanted
          .map((w) => {
            const templateVersionId = versionId.get(`${w.templateId}:${w.sha256}`)!;
            return {
              id: analysisIdByVersion.get(templateVersionId)!,
              path: w.path,
              templateVersionId,
              deduplicated: existed.has(`${w.templateId}:${w.sha256}`),
            };
          })
          .concat(
            relinks.map((r) => ({
              id: analysisIdByVersion.get(r.templateVersionId)!,
              path: r.path,
              templateVersionId: r.templateVersionId,
              deduplicated: true,
              relinked: true,
            })),
          ),
        rejected,
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );

  try {
    await enqueueMany(
      deps.queue,
      "analyze-template",
      result.analyses.map((a) => ({ payload: { analysisId: a.id }, jobId: a.id })),
    );
  } catch (error) {
    deps.logger.warn(
      { err: error, batchId: result.batchId },
      "enqueue failed after commit; the reconciler will enqueue these analyses",
    );
  }
  return result;
}
