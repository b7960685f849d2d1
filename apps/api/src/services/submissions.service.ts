import { createHash } from "node:crypto";
import type { Queue } from "bullmq";
import { enqueueMany } from "@threatline/queue";
import type { Redis } from "ioredis";
import { AppError, hasLoneSurrogate, type SubmissionResult } from "@threatline/domain";
import type { Db } from "@threatline/db";
import { ENGINE_VERSION } from "@threatline/engine";
import type { Logger } from "../lib/logger.ts";
import type { Actor } from "../auth/context.ts";
import { getProjectFor } from "./projects.service.ts";

export interface IncomingFile {
  path: string;
  content: string;
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

/** Refuses a submission before anything is written: too many files, duplicates, too large, not text. */
function checkFiles(files: IncomingFile[], options: SubmissionOptions): void {
  if (files.length === 0) throw new AppError("request/invalid", "The submission has no files.");
  if (files.length > options.maxFiles) {
    throw new AppError(
      "request/too-many-files",
      `The submission has ${files.length} files; the limit is ${options.maxFiles}.`,
    );
  }
  const seen = new Set<string>();
  const notText: string[] = [];
  for (const file of files) {
    if (seen.has(file.path))
      throw new AppError("request/invalid", `The path "${file.path}" appears twice in the submission.`);
    seen.add(file.path);
    if (Buffer.byteLength(file.content, "utf8") > options.maxFileBytes) {
      throw new AppError("template/too-large", `"${file.path}" is larger than ${options.maxFileBytes} bytes.`);
    }
    // PostgreSQL text cannot hold NUL, U+FFFD is what invalid UTF-8 decodes to, and a lone surrogate has no
    // UTF-8 form: none is a template.
    if (file.content.includes("\u0000") || file.content.includes("\uFFFD") || hasLoneSurrogate(file.content))
      notText.push(file.path);
  }
  if (notText.length > 0) {
    throw new AppError(
      "template/not-text",
      `Not text (binary or invalid UTF-8): ${notText.slice(0, 5).join(", ")}${notText.length > 5 ? " …" : ""}`,
      { files: notText },
    );
  }
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
 * Records a submission in PostgreSQL in one transaction (content stored once per sha256, one template version
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
  checkFiles(files, options);
  await assertQueueReachable(deps.redis);

  const hashed = files.map((f) => ({ ...f, sha256: sha256(f.content) }));
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
      await tx.templateVersion.createMany({
        data: wanted.map(({ templateId, sha256 }) => ({ templateId, sha256 })),
        skipDuplicates: true,
      });
      const versions = await tx.templateVersion.findMany({
        where: { OR: wanted.map(({ templateId, sha256 }) => ({ templateId, sha256 })) },
      });
      const versionId = new Map(versions.map((v) => [`${v.templateId}:${v.sha256}`, v.id]));

      const batch = await tx.batch.create({
        data: { projectId: project.id, createdById: actor.userId, source: options.source, fileCount: files.length },
      });
      const analyses = await tx.analysis.createManyAndReturn({
        data: wanted.map((w) => ({
          projectId: project.id,
          batchId: batch.id,
          templateVersionId: versionId.get(`${w.templateId}:${w.sha256}`)!,
          engineVersion: ENGINE_VERSION,
          force: options.force,
        })),
        select: { id: true, templateVersionId: true },
      });
      // Paths are unique in a submission, so each analysis has a template version of its own to be matched by.
      const analysisIdByVersion = new Map(analyses.map((a) => [a.templateVersionId, a.id]));
      return {
        batchId: batch.id,
        analyses: wanted.map((w) => {
          const templateVersionId = versionId.get(`${w.templateId}:${w.sha256}`)!;
          return {
            id: analysisIdByVersion.get(templateVersionId)!,
            path: w.path,
            templateVersionId,
            deduplicated: existed.has(`${w.templateId}:${w.sha256}`),
          };
        }),
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
