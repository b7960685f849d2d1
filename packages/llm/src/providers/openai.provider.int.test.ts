import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUrl, testPrefix } from "../../../../test/support.ts";
import { graphOf, node } from "../../test/helpers.ts";
import { MemoryLlmCache } from "../cache.ts";
import { loadLlmConfig } from "../config.ts";
import { LlmThrottledError } from "../errors.ts";
import { createThreatModeler } from "../modeler.ts";
import { OpenAiCompatibleProvider } from "./openai.provider.ts";
import { type ProviderError } from "./types.ts";

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string | null; tool_call_id?: string }>;
  tools: Array<{ function: { name: string; parameters: { type: string } } }>;
  tool_choice: { function: { name: string } };
  max_tokens: number;
}

/** A tiny OpenAI-compatible stub: scripted answers in order, requests recorded. */
function startStub(answers: Array<{ status?: number; body: unknown; headers?: Record<string, string> }>) {
  const received: ChatBody[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      received.push(JSON.parse(raw) as ChatBody);
      const answer = answers.shift() ?? { status: 500, body: { error: "no more answers" } };
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  return new Promise<{ url: string; received: ChatBody[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        received,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

function toolAnswer(args: unknown, finish = "tool_calls") {
  return {
    body: {
      choices: [
        {
          finish_reason: finish,
          message: {
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "record_threats", arguments: typeof args === "string" ? args : JSON.stringify(args) },
              },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 900, completion_tokens: 120 },
    },
  };
}

const threat = {
  category: "Tampering",
  title: "Queue accepts any writer",
  description: "d",
  resourceIds: ["JobsQueue"],
  severity: "medium",
  likelihood: 3,
  impact: 3,
  remediations: [{ text: "Add a queue policy." }],
};

function config(url: string) {
  const c = loadLlmConfig({
    THREATLINE_LLM_PROVIDER: "openai-compatible",
    OPENAI_BASE_URL: url,
    OPENAI_MODEL: "llama3.1:8b",
    OPENAI_API_KEY: "k",
  });
  if (!c) throw new Error("config");
  return c;
}

describe("OpenAI-compatible provider", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(() => redis.disconnect());

  it("forces the tool with function calling, validates, and repairs through a tool message", async () => {
    const stub = await startStub([toolAnswer("{not json"), toolAnswer({ threats: [threat] })]);
    try {
      const modeler = createThreatModeler({
        config: config(stub.url),
        redis,
        cache: new MemoryLlmCache(),
        limiterPrefix: testPrefix(),
      });
      const outcome = await modeler.model({
        analysisId: "a",
        contentHash: "h",
        files: [],
        graph: graphOf([node("JobsQueue")]),
        ruleThreats: [],
        force: false,
      });
      expect(outcome.status).toBe("succeeded");
      expect(outcome.provider).toBe("openai-compatible");
      expect(outcome.threats.map((t) => [t.title, t.source])).toEqual([["Queue accepts any writer", "llm"]]);
      expect(outcome.usage.inputTokens).toBe(1800);
      const [first, second] = stub.received;
      expect(first!.model).toBe("llama3.1:8b");
      expect(first!.tool_choice.function.name).toBe("record_threats");
      expect(first!.tools[0]!.function.parameters.type).toBe("object");
      expect(first!.messages.map((m) => m.role)).toEqual(["system", "user"]);
      expect(second!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "user"]);
      expect(second!.messages[3]!.tool_call_id).toBe("call_1");
    } finally {
      await stub.close();
    }
  });

  it("maps 429 to throttled with Retry-After, 5xx to transient, 4xx to permanent, and length to max_tokens", async () => {
    const stub = await startStub([
      { status: 429, body: { error: "slow down" }, headers: { "retry-after": "7" } },
      { status: 502, body: { error: "bad gateway" } },
      { status: 404, body: { error: "model not found" } },
      toolAnswer('{"threats": [', "length"),
    ]);
    try {
      const provider = new OpenAiCompatibleProvider(config(stub.url));
      const req = {
        system: "s",
        messages: [{ role: "user" as const, content: [{ text: "u" }] }],
        tool: { name: "record_threats", description: "d", inputSchema: { type: "object" } },
        maxTokens: 100,
        temperature: 0,
      };
      const throttled = (await provider.complete(req).catch((e: unknown) => e)) as ProviderError;
      expect([throttled.kind, throttled.retryAfterMs]).toEqual(["throttled", 7000]);
      expect(((await provider.complete(req).catch((e: unknown) => e)) as ProviderError).kind).toBe("transient");
      expect(((await provider.complete(req).catch((e: unknown) => e)) as ProviderError).kind).toBe("permanent");
      expect((await provider.complete(req)).stopReason).toBe("max_tokens");
    } finally {
      await stub.close();
    }
  });

  it("surfaces a provider 429 as LlmThrottledError through the modeler", async () => {
    const stub = await startStub([{ status: 429, body: {}, headers: { "retry-after": "2" } }]);
    try {
      const modeler = createThreatModeler({
        config: config(stub.url),
        redis,
        cache: new MemoryLlmCache(),
        limiterPrefix: testPrefix(),
      });
      const error = await modeler
        .model({
          analysisId: "a",
          contentHash: "h2",
          files: [],
          graph: graphOf([node("X")]),
          ruleThreats: [],
          force: false,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmThrottledError);
      expect((error as LlmThrottledError).retryAfterMs).toBe(2000);
    } finally {
      await stub.close();
    }
  });
});
