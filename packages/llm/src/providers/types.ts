import type { ErrorCode } from "@threatline/domain";
import type { TokenUsage } from "../cost.ts";

export type ContentBlock =
  | { text: string }
  | { toolUse: { id: string; name: string; input: unknown } }
  | { toolResult: { id: string; text: string; isError: boolean } };

export interface ChatMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface CompletionRequest {
  system: string;
  messages: ChatMessage[];
  /** The one tool the model must call. */
  tool: ToolSpec;
  maxTokens: number;
  temperature: number;
  /** The caller's stop: the request is abandoned (the HTTP request aborted) when it fires. */
  signal?: AbortSignal;
}

/** The provider's own time bound, and the caller's stop if any. */
export function requestSignal(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/** Why the model stopped, in Converse's words; anything else providers report maps to `other`. */
export type StopReason = "tool_use" | "end_turn" | "max_tokens" | "other";

export interface CompletionResponse {
  /** The forced tool's input, or null when the model answered without calling it. */
  toolInput: unknown;
  toolUseId: string | null;
  stopReason: StopReason;
  /** The provider's raw stop reason, for logs. */
  rawStopReason: string;
  usage: TokenUsage;
  latencyMs: number;
}

export type ProviderErrorKind = "throttled" | "transient" | "permanent";

/**
 * A provider failure, classified: `throttled` (quota: wait and retry without burning an attempt),
 * `transient` (5xx, timeouts, dropped connections: retry with backoff) or `permanent` (bad request,
 * no access, unknown model: retrying cannot help).
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.code = kind === "throttled" ? "llm/throttled" : kind === "transient" ? "llm/unavailable" : "llm/failed";
  }
}

/** One model behind one API. */
export interface LlmProvider {
  /** `bedrock`, `openai-compatible`. */
  readonly name: string;
  readonly model: string;
  complete(request: CompletionRequest): Promise<CompletionResponse>;
}
