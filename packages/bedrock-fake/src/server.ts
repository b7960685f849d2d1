import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ConverseBody, estimateTokens, fakeThreats, inputTokensOf, requestTexts } from "./answer.ts";
import { TokenBucket } from "./bucket.ts";
import { seededRandom } from "@threatline/domain";
import { type FaultKind, type FaultPlan, parseFaults, pickFault } from "./faults.ts";

export interface FakeBedrockOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Tokens per window (input + k·output); 0 = unlimited. */
  tpm?: number;
  /** Requests per window; 0 = unlimited. */
  rpm?: number;
  /** The quota window; 60 000 ms like Bedrock, shorter to run benchmarks in scaled time. */
  windowMs?: number;
  /** How much an output token counts against the quota; default 5 for Claude 4-class ids, else 1. */
  outputTokenWeight?: number;
  /** Fixed latency of every answer. */
  latencyMs?: number;
  /** Extra latency per output token, like generation speed. */
  latencyPerOutputTokenMs?: number;
  /** How long a `slow` fault delays the answer. */
  slowMs?: number;
  /** Fault script, see `parseFaults`: `"429:0.05,503:0.02,cut@3"`. */
  faults?: string;
  /** Seed of the fault dice. */
  seed?: number;
  /** Most threats in one answer. */
  maxThreats?: number;
  /** Threats about resources that are not in the prompt, per answer. */
  ungrounded?: number;
  /** Extra description characters per threat. */
  padding?: number;
  /** Keep the text of every received request in `stats().prompts` (tests only: it grows). */
  recordPrompts?: boolean;
}

export interface FakeStats {
  requests: number;
  converse: number;
  countTokens: number;
  served: number;
  inputTokens: number;
  outputTokens: number;
  /** Quota tokens charged after settlement: input + k·output. */
  quotaTokens: number;
  throttled: number;
  faults: Partial<Record<FaultKind, number>>;
  /** Settled quota tokens and requests per window, keyed by window start (ms since epoch), in admission order. */
  perWindow: Array<{ start: number; quotaTokens: number; requests: number; throttled: number }>;
  /** When the token bucket sat full (refill lost), as [from, to] ms since epoch, up to the moment of `stats()`. */
  fullSpans: Array<[number, number]>;
  /** Each served call: when it was admitted and settled (ms since epoch), and the quota tokens charged. */
  calls: Array<{ at: number; settledAt: number; charged: number }>;
  maxConcurrent: number;
  models: Record<string, number>;
  prompts: string[];
}

export interface FakeBedrock {
  url: string;
  port: number;
  stats(): FakeStats;
  configure(options: Partial<FakeBedrockOptions>): void;
  reset(): void;
  close(): Promise<void>;
}

const ERRORS: Record<string, { status: number; type: string; message: string }> = {
  "429": { status: 429, type: "ThrottlingException", message: "Too many tokens, please wait before trying again." },
  notready: { status: 429, type: "ModelNotReadyException", message: "Model is not ready to serve inference requests." },
  "503": { status: 503, type: "ServiceUnavailableException", message: "Bedrock is unable to process your request." },
  "500": { status: 500, type: "InternalServerException", message: "The server encountered an internal error." },
  "400": { status: 400, type: "ValidationException", message: "The provided request is not valid." },
  "408": { status: 408, type: "ModelTimeoutException", message: "The request took too long to process." },
  "424": { status: 424, type: "ModelErrorException", message: "The request failed when the model processed it." },
};

function isClaude4Class(modelId: string): boolean {
  return /claude-(?:[a-z]+-)?4|claude-4/i.test(modelId);
}

function emptyStats(): FakeStats {
  return {
    requests: 0,
    converse: 0,
    countTokens: 0,
    served: 0,
    inputTokens: 0,
    outputTokens: 0,
    quotaTokens: 0,
    throttled: 0,
    faults: {},
    perWindow: [],
    fullSpans: [],
    calls: [],
    maxConcurrent: 0,
    models: {},
    prompts: [],
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, kind: string, message?: string): void {
  const error = ERRORS[kind] ?? ERRORS["400"]!;
  sendJson(
    res,
    error.status,
    { message: message ?? error.message },
    { "x-amzn-errortype": `${error.type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  );
}

/**
 * Starts a local server that speaks Bedrock runtime's Converse and CountTokens, with Bedrock's token-bucket
 * quota, latency and scripted faults. For tests, benchmarks and offline demos; never for production.
 */
export async function startFakeBedrock(initial: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  let options: FakeBedrockOptions = { ...initial };
  let plan: FaultPlan = parseFaults(options.faults);
  let random = seededRandom(options.seed ?? 1);
  let stats = emptyStats();
  let windowMs = options.windowMs ?? 60_000;
  let tpm = new TokenBucket(options.tpm ?? 0, windowMs);
  let rpm = new TokenBucket(options.rpm ?? 0, windowMs);
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const windowOf = (t: number) => {
    const start = Math.floor(t / windowMs) * windowMs;
    let entry = stats.perWindow.at(-1);
    if (!entry || entry.start !== start) {
      entry = stats.perWindow.find((w) => w.start === start);
      if (!entry) {
        entry = { start, quotaTokens: 0, requests: 0, throttled: 0 };
        stats.perWindow.push(entry);
      }
    }
    return entry;
  };

  const rebuildLimits = () => {
    windowMs = options.windowMs ?? 60_000;
    tpm = new TokenBucket(options.tpm ?? 0, windowMs);
    rpm = new TokenBucket(options.rpm ?? 0, windowMs);
  };

  async function converse(res: ServerResponse, modelId: string, body: ConverseBody): Promise<void> {
    stats.converse += 1;
    stats.models[modelId] = (stats.models[modelId] ?? 0) + 1;
    if (options.recordPrompts) stats.prompts.push(requestTexts(body).join("\n"));
    const admittedAt = Date.now();
    const fault = pickFault(plan, stats.converse, random);
    if (fault) stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    if (fault === "drop") {
      res.socket?.destroy();
      return;
    }
    if (fault && fault in ERRORS) {
      if (fault === "429") {
        stats.throttled += 1;
        windowOf(admittedAt).throttled += 1;
      }
      return sendError(res, fault);
    }

    const input = inputTokensOf(body);
    const maxTokens = body.inferenceConfig?.maxTokens ?? 64_000;
    const reservation = input + maxTokens;
    if (!rpm.tryTake(1)) {
      stats.throttled += 1;
      windowOf(admittedAt).throttled += 1;
      return sendError(res, "429", "Too many requests, please wait before trying again.");
    }
    if (!tpm.tryTake(reservation)) {
      rpm.adjust(1);
      stats.throttled += 1;
      windowOf(admittedAt).throttled += 1;
      return sendError(res, "429");
    }
    inFlight += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    try {
      const tool = body.toolConfig?.toolChoice?.tool?.name ?? body.toolConfig?.tools?.[0]?.toolSpec?.name;
      let threats = fakeThreats(body, {
        maxThreats: options.maxThreats ?? 20,
        ungrounded: options.ungrounded ?? 0,
        padding: options.padding ?? 0,
      });
      if (fault === "invalid") {
        threats = threats.map((t) => ({ ...t, category: "Phishing", likelihood: 9, resourceIds: [] }));
        if (threats.length === 0) threats = [{ category: "Phishing", title: "" }];
      }
      let toolInput: unknown = fault === "malformed" ? { raw: '{"threats": [{"category": "Tamp' } : { threats };
      let output = estimateTokens(JSON.stringify(toolInput));
      let stopReason = tool ? "tool_use" : "end_turn";
      if (fault === "cut" || output > maxTokens) {
        const keep: unknown[] = [];
        const limit = fault === "cut" ? Math.floor(threats.length / 2) : threats.length;
        for (const threat of threats.slice(0, limit)) {
          if (estimateTokens(JSON.stringify({ threats: [...keep, threat] })) > maxTokens) break;
          keep.push(threat);
        }
        toolInput = { threats: keep };
        output = Math.min(
          maxTokens,
          fault === "cut" ? Math.max(estimateTokens(JSON.stringify(toolInput)), 1) : maxTokens,
        );
        stopReason = "max_tokens";
      }
      const weight = options.outputTokenWeight ?? (isClaude4Class(modelId) ? 5 : 1);
      const charged = input + weight * output;
      stats.inputTokens += input;
      stats.outputTokens += output;
      stats.quotaTokens += charged;
      const window = windowOf(admittedAt);
      window.quotaTokens += charged;
      window.requests += 1;

      const latency =
        (options.latencyMs ?? 0) +
        (options.latencyPerOutputTokenMs ?? 0) * output +
        (fault === "slow" ? (options.slowMs ?? 30_000) : 0);
      await sleep(latency);
      // Like Bedrock, the reservation holds while the model generates and is settled when the call ends.
      tpm.adjust(reservation - charged);
      stats.served += 1;
      stats.calls.push({ at: admittedAt, settledAt: Date.now(), charged });
      const content = tool
        ? [
            {
              toolUse: {
                toolUseId: `tooluse_${randomUUID().replace(/-/g, "").slice(0, 22)}`,
                name: tool,
                input: toolInput,
              },
            },
          ]
        : [{ text: "[fake] This fake only answers forced tool calls with content." }];
      sendJson(res, 200, {
        output: { message: { role: "assistant", content } },
        stopReason,
        usage: {
          inputTokens: input,
          outputTokens: output,
          totalTokens: input + output,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 0,
        },
        metrics: { latencyMs: Math.round(latency) },
      });
    } finally {
      inFlight -= 1;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    stats.requests += 1;
    let body: unknown = {};
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendError(res, "400", "Request body is not valid JSON.");
      }
    }
    if (req.method === "GET" && url.pathname === "/__fake/stats") return sendJson(res, 200, stats);
    if (req.method === "POST" && url.pathname === "/__fake/reset") {
      server.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === "POST" && url.pathname === "/__fake/config") {
      try {
        server.configure(body as Partial<FakeBedrockOptions>);
      } catch (error) {
        return sendJson(res, 400, { message: error instanceof Error ? error.message : String(error) });
      }
      return sendJson(res, 200, { ok: true });
    }
    const route = /^\/model\/([^/]+)\/(converse|count-tokens)$/.exec(url.pathname);
    if (req.method !== "POST" || !route)
      return sendError(res, "400", `Unknown operation ${req.method} ${url.pathname}`);
    const modelId = decodeURIComponent(route[1]!);
    if (route[2] === "count-tokens") {
      stats.countTokens += 1;
      const input = (body as { input?: { converse?: ConverseBody } }).input?.converse;
      if (!input) return sendError(res, "400", "input.converse is required.");
      return sendJson(res, 200, { inputTokens: inputTokensOf(input) });
    }
    const converseBody = body as ConverseBody;
    if (!Array.isArray(converseBody.messages) || converseBody.messages.length === 0) {
      return sendError(res, "400", "messages must not be empty.");
    }
    return converse(res, modelId, converseBody);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { message: String(error) }, { "x-amzn-errortype": "InternalServerException" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = http.address() as AddressInfo;

  const server: FakeBedrock = {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    port: address.port,
    stats: () => {
      tpm.available();
      return structuredClone({ ...stats, fullSpans: tpm.fullSpans });
    },
    configure(partial) {
      const next = { ...options, ...partial };
      plan = parseFaults(next.faults);
      options = next;
      if ("seed" in partial) random = seededRandom(options.seed ?? 1);
      if ("tpm" in partial || "rpm" in partial || "windowMs" in partial) rebuildLimits();
    },
    reset() {
      stats = emptyStats();
      random = seededRandom(options.seed ?? 1);
      rebuildLimits();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
