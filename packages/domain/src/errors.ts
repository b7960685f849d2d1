/**
 * Every error a user can meet, with a stable code (`area/reason`) and the HTTP status it maps to.
 * Clients switch on the code, never on the message.
 */
export const ERROR_CODES = {
  "request/invalid": 400,
  "request/too-large": 413,
  "request/length-required": 411,
  "request/too-many-files": 413,
  "request/unsupported-media-type": 415,
  "request/not-found": 404,
  "auth/unauthenticated": 401,
  "auth/forbidden": 403,
  "auth/invalid-credentials": 401,
  "auth/locked": 423,
  "auth/csrf": 403,
  "auth/rate-limited": 429,
  "metrics/unauthenticated": 401,
  "project/not-found": 404,
  "project/name-taken": 409,
  "batch/not-found": 404,
  "analysis/not-found": 404,
  "analysis/not-retryable": 409,
  /** Finished with more threats than ANALYSIS_MAX_THREATS: the rest are counted in its summary, not stored. */
  "analysis/truncated": 413,
  /** The reconciler re-enqueued it RECONCILE_MAX_REQUEUES times and it never finished (a poison job). */
  "analysis/abandoned": 500,
  "threat/not-found": 404,
  /** The project has no system graph yet (no analysis has finished), or not the version asked for. */
  "system-graph/not-found": 404,
  /** Only a threat written by hand can be deleted; generated ones are triaged. */
  "threat/not-manual": 409,
  "mitigation/not-found": 404,
  "assumption/not-found": 404,
  /** The assignee named is not a member of the project's team. */
  "threat/invalid-assignee": 400,
  "comment/not-found": 404,
  "webhook/not-found": 404,
  /** The webhook URL names a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE allows them). */
  "webhook/blocked-address": 400,
  "triage/invalid": 400,
  "template/unsupported-format": 422,
  "template/not-text": 422,
  "template/parse-failed": 422,
  "template/too-large": 413,
  "template/too-deep": 422,
  "template/line-too-long": 422,
  "template/too-many-aliases": 422,
  "template/timeout": 422,
  "template/empty": 422,
  "archive/invalid": 400,
  "archive/unsafe-path": 400,
  "archive/encrypted": 422,
  "archive/too-large": 413,
  "import/invalid": 400,
  "export/unsupported-format": 400,
  "llm/throttled": 429,
  "llm/unavailable": 503,
  "llm/invalid-output": 502,
  "llm/truncated": 502,
  "llm/failed": 502,
  "llm/budget-exhausted": 402,
  "llm/not-configured": 409,
  "queue/unavailable": 503,
  "database/unavailable": 503,
  "internal/error": 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error envelope every API failure is answered with. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error that is safe to show to the user: its message says what happened and what to do. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * Codes a client gives a failure that is not an error envelope: the server could not be reached
 * (`network/offline`, status 0), or answered without an envelope (`http/<status>`: a proxy, not Threatline).
 */
export type ClientErrorCode = "network/offline" | `http/${number}`;

/**
 * A failed API call as its clients (the SPA, the CLI) see it: the stable code, the server's message, the HTTP
 * status (0 when there was no answer) and the envelope's details. Clients switch on `code`, never on `message`.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
