import express, { Router, type NextFunction, type Request, type Response } from "express";
import multer from "multer";
import { z } from "zod";
import {
  AppError,
  IdParamSchema,
  JsonSubmissionSchema,
  TemplatePathSchema,
  formatBytes,
  type SubmissionLimitsDto,
} from "@threatline/domain";
import { decodeText } from "@threatline/engine";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { expandArchive, isZip } from "../lib/archive.ts";
import { submit, type IncomingFile } from "../services/submissions.service.ts";
import { audit } from "../services/audit.service.ts";

const params = { params: IdParamSchema };
const MultipartFieldsSchema = z.object({
  force: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  source: z.enum(["web", "cli", "api"]).default("web"),
  /** Paths of the files, in order, when the browser sends a folder (file names alone lose the folders). */
  paths: z.union([z.string(), z.array(z.string())]).optional(),
});

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes an uploaded file: UTF-16 with a byte order mark (what Windows PowerShell writes) or UTF-8; invalid
 * UTF-8 keeps a U+FFFD marker so the submission is refused as not text.
 */
function decode(buffer: Buffer): string {
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))
    return decodeText(buffer);
  try {
    return fatalUtf8.decode(buffer);
  } catch {
    return "\uFFFD";
  }
}

/**
 * `POST /projects/:id/submissions`: JSON `{ files: [{ path, content }] }` or multipart with many `files`
 * (zips are expanded safely). Answers 202 with the batch and one analysis per file.
 */
export function submissionRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { MAX_FILE_BYTES, MAX_FILES, MAX_SUBMISSION_BYTES } = deps.config;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: Math.max(MAX_FILE_BYTES, MAX_SUBMISSION_BYTES),
      files: MAX_FILES,
      fields: MAX_FILES + 10,
      fieldSize: 64 * 1024,
    },
  });
  const json = express.json({ limit: MAX_SUBMISSION_BYTES });

  // Multer caps each file, not the request: without this, MAX_FILES files of the per-file cap would all be
  // buffered in memory. Browsers and the CLI always send a length; the allowance covers multipart framing.
  const multipartCap = MAX_SUBMISSION_BYTES + 1024 * 1024;
  const parseBody = (req: Request, res: Response, next: NextFunction) => {
    if (req.is("multipart/form-data")) {
      const length = req.headers["content-length"];
      if (length === undefined)
        return next(new AppError("request/length-required", "Send uploads with a Content-Length."));
      if (Number(length) > multipartCap)
        return next(new AppError("request/too-large", `The submission is larger than ${MAX_SUBMISSION_BYTES} bytes.`));
      return upload.array("files", MAX_FILES)(req, res, next);
    }
    if (req.is("application/json")) return json(req, res, next);
    next(new AppError("request/unsupported-media-type", "Send application/json or multipart/form-data."));
  };

  router.get("/settings/submissions", (_req, res) => {
    const limits: SubmissionLimitsDto = {
      maxFileBytes: MAX_FILE_BYTES,
      maxFiles: MAX_FILES,
      maxSubmissionBytes: MAX_SUBMISSION_BYTES,
    };
    res.json(limits);
  });

  router.post("/projects/:id/submissions", validate(params), parseBody, async (req, res) => {
    const projectId = input(res, params).params.id;
    let files: IncomingFile[];
    let force: boolean;
    let source: "web" | "cli" | "api";
    if (req.is("multipart/form-data")) {
      const fields = MultipartFieldsSchema.safeParse(req.body ?? {});
      if (!fields.success) throw new AppError("request/invalid", "Invalid form fields.");
      const uploads = (req.files as Express.Multer.File[] | undefined) ?? [];
      const paths = fields.data.paths === undefined ? [] : [fields.data.paths].flat();
      files = [];
      for (const [i, file] of uploads.entries()) {
        const name = paths[i] ?? file.originalname;
        if (isZip(file.buffer)) {
          files.push(
            ...expandArchive(file.buffer, {
              maxFiles: MAX_FILES,
              maxFileBytes: MAX_FILE_BYTES,
              maxTotalBytes: MAX_SUBMISSION_BYTES,
            }).map((e) =>
              e.tooLarge === undefined
                ? { path: e.path, content: decode(e.data) }
                : {
                    path: e.path,
                    content: "",
                    refused: {
                      code: "template/too-large" as const,
                      message: `The file in the archive is larger than ${formatBytes(MAX_FILE_BYTES)}.`,
                    },
                  },
            ),
          );
        } else {
          const path = TemplatePathSchema.safeParse(name);
          if (!path.success) throw new AppError("request/invalid", `Invalid file path "${name}".`);
          // Too large: refused on its own (the service lists it with its reason) without being decoded.
          files.push(
            file.size > MAX_FILE_BYTES
              ? {
                  path: path.data,
                  content: "",
                  refused: {
                    code: "template/too-large",
                    message: `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_FILE_BYTES)}.`,
                  },
                }
              : { path: path.data, content: decode(file.buffer) },
          );
        }
      }
      force = fields.data.force;
      source = fields.data.source;
    } else {
      const body = JsonSubmissionSchema.safeParse(req.body);
      if (!body.success) {
        const issue = body.error.issues[0];
        throw new AppError(
          "request/invalid",
          `Invalid body: ${issue?.path.join(".")} ${issue?.message}`,
          body.error.issues,
        );
      }
      ({ files, force, source } = body.data);
    }
    const result = await submit(deps, actorOf(res), projectId, files, {
      force,
      source,
      maxFiles: MAX_FILES,
      maxFileBytes: MAX_FILE_BYTES,
    });
    // Paths and counts only: template content never goes into the audit log.
    await audit(
      { db: deps.db, actor: actorOf(res) },
      "analysis.submit",
      { type: "batch", id: result.batchId, projectId },
      {
        files: result.analyses.length,
        rejected: result.rejected.map((r) => ({ path: r.path, code: r.code })).slice(0, 20),
        source,
        force,
        paths: result.analyses.slice(0, 20).map((a) => a.path),
      },
    );
    res.status(202).json(result);
  });
  return router;
}
