/**
 * No capacity now: the shared limiter is full, or the provider itself said 429 / model not ready. The worker
 * turns it into BullMQ's rate-limit path (`worker.rateLimit(retryAfterMs)` + `Worker.RateLimitError()`), which
 * burns no attempt.
 */
export class LlmThrottledError extends Error {
  readonly code = "llm/throttled" as const;
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message = `LLM quota exhausted; retry in ${Math.ceil(retryAfterMs)} ms`) {
    super(message);
    this.name = "LlmThrottledError";
    this.retryAfterMs = Math.max(1, Math.ceil(retryAfterMs));
  }
}

/** The caller stopped the analysis (canceled, or its worker is shutting down): the model call was abandoned. */
export class LlmAbortedError extends Error {
  override readonly name = "LlmAbortedError";
  constructor(message = "The model call was stopped by its caller") {
    super(message);
  }
}

export function isLlmThrottledError(error: unknown): error is LlmThrottledError {
  return error instanceof LlmThrottledError;
}
