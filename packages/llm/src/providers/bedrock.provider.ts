import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ContentBlock as BedrockBlock,
  type ConverseCommandOutput,
  type Message,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { LlmConfig } from "../config.ts";
import { LlmAbortedError } from "../errors.ts";
import {
  type ChatMessage,
  type CompletionRequest,
  type CompletionResponse,
  type LlmProvider,
  ProviderError,
  requestSignal,
  type StopReason,
} from "./types.ts";

const THROTTLED = new Set(["ThrottlingException", "ModelNotReadyException", "ServiceQuotaExceededException"]);
const TRANSIENT = new Set([
  "ServiceUnavailableException",
  "InternalServerException",
  "ModelTimeoutException",
  "ModelErrorException",
  "TimeoutError",
  "AbortError",
  "RequestTimeout",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

/** Sorts an SDK error into throttled / transient / permanent. */
export function classifyBedrockError(error: unknown, throttleRetryMs: number): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const message = `Bedrock ${name}${status ? ` (${status})` : ""}: ${e.message ?? String(error)}`;
  if (THROTTLED.has(name) || status === 429)
    return new ProviderError("throttled", message, { status: 429, retryAfterMs: throttleRetryMs, cause: error });
  if (
    TRANSIENT.has(name) ||
    (e.code && TRANSIENT.has(e.code)) ||
    (status !== undefined && status >= 500) ||
    status === undefined
  ) {
    return new ProviderError("transient", message, { ...(status !== undefined ? { status } : {}), cause: error });
  }
  return new ProviderError("permanent", message, { status, cause: error });
}

function toBedrockMessages(messages: ChatMessage[]): Message[] {
  return messages.map((m) => ({
    role: m.role,
    content: m.content.map((block): BedrockBlock => {
      if ("text" in block) return { text: block.text };
      if ("toolUse" in block) {
        return {
          toolUse: { toolUseId: block.toolUse.id, name: block.toolUse.name, input: block.toolUse.input as never },
        };
      }
      return {
        toolResult: {
          toolUseId: block.toolResult.id,
          content: [{ text: block.toolResult.text }],
          status: block.toolResult.isError ? "error" : "success",
        },
      };
    }),
  }));
}

function stopReasonOf(raw: string | undefined): StopReason {
  // Either way the answer is incomplete and a smaller part of the graph is the cure.
  if (raw === "model_context_window_exceeded") return "max_tokens";
  return raw === "tool_use" || raw === "end_turn" || raw === "max_tokens" ? raw : "other";
}

/**
 * Bedrock Converse with one forced tool. One client per process (connections are pooled); the SDK retries
 * at most `sdkMaxAttempts` times so that its retries do not multiply with the queue's.
 */
export class BedrockProvider implements LlmProvider {
  readonly name = "bedrock";
  readonly model: string;
  private readonly client: BedrockRuntimeClient;

  constructor(private readonly config: LlmConfig) {
    this.model = config.model;
    this.client = new BedrockRuntimeClient({
      ...(config.region ? { region: config.region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      maxAttempts: config.sdkMaxAttempts,
      // HTTP/1.1 on purpose: the SDK's default HTTP/2 handler exists for bidirectional streaming, which
      // Converse does not use, and it gives no per-request socket timeout.
      requestHandler: new NodeHttpHandler({
        connectionTimeout: Math.min(10_000, config.timeoutMs),
        requestTimeout: config.timeoutMs,
      }),
    });
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    const started = Date.now();
    let response: ConverseCommandOutput;
    try {
      response = await this.client.send(
        new ConverseCommand({
          modelId: this.model,
          system: [{ text: request.system }],
          messages: toBedrockMessages(request.messages),
          inferenceConfig: { maxTokens: request.maxTokens, temperature: request.temperature },
          toolConfig: {
            tools: [
              {
                toolSpec: {
                  name: request.tool.name,
                  description: request.tool.description,
                  inputSchema: { json: request.tool.inputSchema as never },
                },
              },
            ],
            toolChoice: { tool: { name: request.tool.name } },
          },
        }),
        { abortSignal: requestSignal(this.config.timeoutMs, request.signal) },
      );
    } catch (error) {
      if (request.signal?.aborted) throw new LlmAbortedError();
      throw classifyBedrockError(error, this.config.throttleRetryMs);
    }
    const blocks = response.output?.message?.content ?? [];
    const toolUse = blocks.find((b) => b.toolUse?.name === request.tool.name)?.toolUse;
    const usage = response.usage;
    return {
      toolInput: toolUse ? (toolUse.input ?? null) : null,
      toolUseId: toolUse?.toolUseId ?? null,
      stopReason: stopReasonOf(response.stopReason),
      rawStopReason: response.stopReason ?? "unknown",
      usage: {
        inputTokens: usage?.inputTokens ?? 0,
        outputTokens: usage?.outputTokens ?? 0,
        cacheReadTokens: usage?.cacheReadInputTokens ?? 0,
        cacheWriteTokens: usage?.cacheWriteInputTokens ?? 0,
      },
      latencyMs: response.metrics?.latencyMs ?? Date.now() - started,
    };
  }

  close(): void {
    this.client.destroy();
  }
}
