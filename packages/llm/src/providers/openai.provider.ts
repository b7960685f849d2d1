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

interface OpenAiMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

interface OpenAiResponse {
  choices?: Array<{
    finish_reason?: string;
    message?: {
      content?: string | null;
      tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }>;
    };
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
}

function toOpenAiMessages(system: string, messages: ChatMessage[]): OpenAiMessage[] {
  const out: OpenAiMessage[] = [{ role: "system", content: system }];
  for (const message of messages) {
    const texts: string[] = [];
    const calls: NonNullable<OpenAiMessage["tool_calls"]> = [];
    for (const block of message.content) {
      if ("text" in block) texts.push(block.text);
      else if ("toolUse" in block) {
        calls.push({
          id: block.toolUse.id,
          type: "function",
          function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input) },
        });
      } else out.push({ role: "tool", tool_call_id: block.toolResult.id, content: block.toolResult.text });
    }
    if (message.role === "assistant")
      out.push({
        role: "assistant",
        content: texts.join("\n") || null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
    else if (texts.length > 0) out.push({ role: "user", content: texts.join("\n") });
  }
  return out;
}

function stopReasonOf(raw: string | undefined): StopReason {
  if (raw === "length") return "max_tokens";
  if (raw === "tool_calls" || raw === "function_call") return "tool_use";
  if (raw === "stop") return "end_turn";
  return "other";
}

/**
 * OpenAI-compatible chat completions with function calling (Ollama, vLLM, LM Studio, llama.cpp server).
 * Some local servers ignore `tool_choice` and answer "stop" with a tool call; the call is what counts.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name = "openai-compatible";
  readonly model: string;

  constructor(private readonly config: LlmConfig) {
    if (!config.openai) throw new Error("openai-compatible provider needs OPENAI_BASE_URL");
    this.model = config.model;
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    const { baseUrl, apiKey } = this.config.openai!;
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({
          model: this.model,
          messages: toOpenAiMessages(request.system, request.messages),
          tools: [
            {
              type: "function",
              function: {
                name: request.tool.name,
                description: request.tool.description,
                parameters: request.tool.inputSchema,
              },
            },
          ],
          tool_choice: { type: "function", function: { name: request.tool.name } },
          max_tokens: request.maxTokens,
          temperature: request.temperature,
        }),
        signal: requestSignal(this.config.timeoutMs, request.signal),
      });
    } catch (error) {
      if (request.signal?.aborted) throw new LlmAbortedError();
      throw new ProviderError(
        "transient",
        `OpenAI-compatible server unreachable: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => "")).slice(0, 500);
      const message = `OpenAI-compatible server answered ${response.status}: ${body}`;
      if (response.status === 429) {
        const header = Number(response.headers.get("retry-after"));
        throw new ProviderError("throttled", message, {
          status: 429,
          retryAfterMs: Number.isFinite(header) && header > 0 ? header * 1000 : this.config.throttleRetryMs,
        });
      }
      throw new ProviderError(response.status >= 500 || response.status === 408 ? "transient" : "permanent", message, {
        status: response.status,
      });
    }
    let json: OpenAiResponse;
    try {
      json = (await response.json()) as OpenAiResponse;
    } catch (error) {
      throw new ProviderError("transient", "OpenAI-compatible server answered with invalid JSON", { cause: error });
    }
    const choice = json.choices?.[0];
    const call = choice?.message?.tool_calls?.find((c) => c.function?.name === request.tool.name);
    let toolInput: unknown = null;
    if (call?.function?.arguments !== undefined) {
      try {
        toolInput = JSON.parse(call.function.arguments);
      } catch {
        // Kept as text: validation fails and the repair request shows the model what it sent.
        toolInput = call.function.arguments;
      }
    }
    const cached = json.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    return {
      toolInput,
      toolUseId: call ? (call.id ?? "call_0") : null,
      stopReason: stopReasonOf(choice?.finish_reason),
      rawStopReason: choice?.finish_reason ?? "unknown",
      usage: {
        inputTokens: (json.usage?.prompt_tokens ?? 0) - cached,
        outputTokens: json.usage?.completion_tokens ?? 0,
        cacheReadTokens: cached,
        cacheWriteTokens: 0,
      },
      latencyMs: Date.now() - started,
    };
  }
}
