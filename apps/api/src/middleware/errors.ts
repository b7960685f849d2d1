import type { NextFunction, Request, Response } from "express";
import multer from "multer";
import { AppError, type ErrorEnvelope, isAppError } from "@threatline/domain";
import { isDatabaseUnavailable } from "@threatline/db";
import type { Logger } from "../lib/logger.ts";

/** Maps errors that libraries throw onto our stable codes. */
function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case "LIMIT_FILE_SIZE":
        return new AppError("template/too-large", "A file is larger than the limit for one file.");
      case "LIMIT_FILE_COUNT":
        return new AppError("request/too-many-files", "The submission has more files than allowed.");
      default:
        return new AppError("request/invalid", `Invalid upload: ${error.message}`);
    }
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError("database/unavailable", "The database is unreachable. Try again shortly.");
  }
  const status = (error as { status?: number; type?: string }).status;
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") return new AppError("request/too-large", "The request body is larger than allowed.");
  if (type === "entity.parse.failed") return new AppError("request/invalid", "The request body is not valid JSON.");
  if (type === "charset.unsupported" || type === "encoding.unsupported") {
    return new AppError("request/unsupported-media-type", "Unsupported request encoding.");
  }
  if (status && status >= 400 && status < 500) return new AppError("request/invalid", "The request could not be read.");
  return undefined;
}

/** The one error handler: every failure leaves as `{ error: { code, message, details? } }`, never a stack trace. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = toAppError(error);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (!appError) {
      logger.error({ err: error, reqId: req.id }, "unhandled error");
      const body: ErrorEnvelope = {
        error: { code: "internal/error", message: "Something went wrong on our side. It has been logged." },
      };
      res.status(500).json(body);
      return;
    }
    if (appError.code === "database/unavailable") logger.warn({ err: error, reqId: req.id }, "database unreachable");
    const body: ErrorEnvelope = { error: { code: appError.code, message: appError.message } };
    if (appError.details !== undefined) body.error.details = appError.details;
    res.status(appError.status).json(body);
  };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError("request/not-found", "No such endpoint."));
}
