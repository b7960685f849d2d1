import { analyze, type ResourceGraph, type SourceFile } from "@threatline/engine";
import { type FakeBedrock, startFakeBedrock } from "@threatline/bedrock-fake";
import type { Threat } from "@threatline/domain";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redisUrl, testPrefix, waitFor } from "../../../test/support.ts";
import { bedrockConfig, graphOf, node, ruleThreat } from "../test/helpers.ts";
import { MemoryLlmCache } from "./cache.ts";
import type { LlmConfig } from "./config.ts";
import { LlmAbortedError, LlmThrottledError } from "./errors.ts";
import { createThreatModeler, type ThreatModelRequest } from "./modeler.ts";
import { loadPrompt } from "./prompts.ts";
import { defaultPromptEngine, type PromptEngine } from "./context.ts";
import { preparePrompt } from "./prepare.ts";
import { RedisRateLimiter } from "./limiter.ts";
import { BedrockProvider } from "./providers/bedrock.provider.ts";
import { type LlmProvider, ProviderError } from "./providers/types.ts";

const SECRET_PASSWORD = "Sup3rS3cretP4ssw0rd!";
const SECRET_KEY = "q8Vz3kR2mN7pL4xT9wB1cJ6hF0dS5gY2aE8uI3oK";
const K8S = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: example/api:1.2.3
          env:
            - name: DB_PASSWORD
              value: "${SECRET_PASSWORD}"
            - name: AWS_SECRET_ACCESS_KEY
              value: "${SECRET_KEY}"
`;

const bucket = node("AppBucket");
const role = node("AppRole", { type: "AWS::IAM::Role", kind: "aws.iam.role" });
const queue = node("JobsQueue", { type: "AWS::SQS::Queue", kind: "aws.sqs.queue" });
const graph = graphOf([bucket, role, queue], [{ from: role.id, to: bucket.id, kind: "iam-policy" }]);
const rules: Threat[] = [ruleThreat("TL-AWS-S3-001", bucket, "InformationDisclosure", "S3 bucket is public", 4, 4)];
const files: SourceFile[] = [{ path: "main.yaml", content: "Resources: {}" }];

let fake: FakeBedrock;
let redis: Redis;

function request(overrides: Partial<ThreatModelRequest> = {}): ThreatModelRequest {
  return {
    analysisId: "a1",
    contentHash: `hash-${Math.random()}`,
    files,
    graph,
    ruleThreats: rules,
    force: false,
    ...overrides,
  };
}

function modeler(overrides: Partial<LlmConfig> = {}, cache = new MemoryLlmCache(), windowMs?: number) {
  return createThreatModeler({
    config: bedrockConfig(fake.url, { maxTokens: 2000, ...overrides }),
    redis,
    cache,
    limiterPrefix: testPrefix(),
    ...(windowMs ? { limiterWindowMs: windowMs } : {}),
  });
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= "AKIDFAKEFORTESTS";
  process.env.AWS_SECRET_ACCESS_KEY ??= "fake-secret-for-tests";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  fake = await startFakeBedrock({ recordPrompts: true });
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  redis.disconnect();
  await fake.close();
});

beforeEach(() => {
  fake.configure({
    faults: "",
    ungrounded: 0,
    tpm: 0,
    rpm: 0,
    windowMs: 60_000,
    slowMs: 30_000,
    padding: 0,
    maxThreats: 20,
  });
  fake.reset();
});

describe("threat modeler against the fake, with the real SDK and Redis", () => {
  it("merges schema-valid model threats with the rule threats and accounts tokens and cost", async () => {
    const outcome = await modeler().model(request());
    expect(outcome.status).toBe("succeeded");
    expect(outcome.error).toBeUndefined();
    expect(outcome.promptHash).toBe(loadPrompt("stride-v2").hash);
    expect(outcome.provider).toBe("bedrock");
    expect(outcome.model).toBe("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    const stats = fake.stats();
    expect(stats.converse).toBe(1);
    expect(outcome.usage.inputTokens).toBe(stats.inputTokens);
    expect(outcome.usage.outputTokens).toBe(stats.outputTokens);
    expect(outcome.usage.costUsd).toBeCloseTo((stats.inputTokens * 3 + stats.outputTokens * 15) / 1e6, 10);
    const annotated = outcome.threats.find((t) => t.ruleId === "TL-AWS-S3-001")!;
    expect(annotated.source).toBe("rule+llm");
    expect(annotated.severity).toBe(rules[0]!.severity);
    expect(annotated.description).toContain("The model agrees");
    const llm = outcome.threats.filter((t) => t.source === "llm");
    expect(llm.map((t) => t.resources[0]!.id).sort()).toEqual(["AppBucket", "AppRole", "JobsQueue"]);
    expect(llm.every((t) => t.title.startsWith("[fake]"))).toBe(true);
  });

  it("drops threats about resources that do not exist, and counts them", async () => {
    fake.configure({ ungrounded: 2 });
    const outcome = await modeler().model(request());
    expect(outcome.status).toBe("succeeded");
    expect(outcome.ungroundedCount).toBe(2);
    expect(outcome.threats.some((t) => t.resources.some((r) => r.id.startsWith("ghost-")))).toBe(false);
    const flagged = await modeler({ ungrounded: "flag" }).model(request());
    expect(flagged.threats.filter((t) => t.resources[0]!.id.startsWith("ghost-"))).toHaveLength(2);
  });

  it("serves a repeated file from the cache without a model call, and force bypasses it", async () => {
    const cache = new MemoryLlmCache();
    const m = modeler({}, cache);
    const req = request();
    const first = await m.model(req);
    const second = await m.model(req);
    expect(fake.stats().converse).toBe(1);
    expect(second.cacheHit).toBe(true);
    expect(second.usage.inputTokens).toBe(0);
    expect(second.threats).toEqual(first.threats);
    const forced = await m.model({ ...req, force: true });
    expect(forced.cacheHit).toBe(false);
    expect(fake.stats().converse).toBe(2);
  });

  it("never sends a secret from the template to the model", async () => {
    const k8sFiles = [{ path: "k8s/api.yaml", content: K8S }];
    const analysis = await analyze(k8sFiles);
    expect(analysis.graph.facts.secrets.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(analysis.graph)).toContain(SECRET_PASSWORD);
    const outcome = await modeler().model(
      request({ files: k8sFiles, graph: analysis.graph, ruleThreats: analysis.threats }),
    );
    expect(outcome.status).toBe("succeeded");
    const prompts = fake.stats().prompts;
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain("Deployment/prod/api");
    expect(prompts[0]).toContain("REDACTED");
    for (const secret of [SECRET_PASSWORD, SECRET_KEY, "q8Vz3kR2mN7p"]) expect(prompts[0]).not.toContain(secret);
  });

  it("turns Bedrock 429s and model-not-ready into LlmThrottledError, and gives the reservation back", async () => {
    fake.configure({ faults: "429:1" });
    const m = modeler({ tpm: 1_000_000, throttleRetryMs: 1234 });
    const error = await m.model(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmThrottledError);
    expect((error as LlmThrottledError).retryAfterMs).toBe(1234);
    fake.configure({ faults: "notready@1" });
    fake.reset();
    await expect(m.model(request())).rejects.toBeInstanceOf(LlmThrottledError);
  });

  it("answers LlmThrottledError from the shared limiter before calling the model when the wait is longer than the in-process limit", async () => {
    const prefix = testPrefix();
    const config = bedrockConfig(fake.url, { maxTokens: 2000, tpm: 4_000, limiterMaxWaitMs: 1_000 });
    const one = createThreatModeler({ config, redis, cache: new MemoryLlmCache(), limiterPrefix: prefix });
    const two = createThreatModeler({ config, redis, cache: new MemoryLlmCache(), limiterPrefix: prefix });
    await one.model(request());
    const error = await two.model(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmThrottledError);
    // 4 000 tokens a minute: the second call's reservation is many seconds away, beyond the 1 s allowed in-process.
    expect((error as LlmThrottledError).retryAfterMs).toBeGreaterThan(1_000);
    expect(fake.stats().converse).toBe(1);
  });

  it("with the limiter at the fake's own quota, a burst of analyses waits in-process as told and gets no 429 at all", async () => {
    const windowMs = 2_000;
    fake.configure({ tpm: 40_000, windowMs, latencyMs: 30 });
    fake.reset();
    const prefix = testPrefix();
    const config = bedrockConfig(fake.url, { tpm: 40_000, maxTokens: 1000, quotaWindowMs: windowMs });
    // Three "worker processes" (modelers on their own connections) sharing one limiter.
    const conns = [new Redis(redisUrl()), new Redis(redisUrl()), new Redis(redisUrl())];
    const modelers = conns.map((conn) =>
      createThreatModeler({ config, redis: conn, cache: new MemoryLlmCache(), limiterPrefix: prefix }),
    );
    try {
      const started = Date.now();
      const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => modelers[i % 3]!.model(request())));
      const elapsed = Date.now() - started;
      expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
      expect(outcomes.reduce((s, o) => s + (o.quotaWaits ?? 0), 0)).toBeGreaterThan(0);
      const stats = fake.stats();
      expect(stats.throttled).toBe(0);
      expect(stats.converse).toBe(30);
      // And the quota was used: the run took little more than the bucket's own bound.
      const bound = (Math.max(0, stats.quotaTokens - 40_000) / 40_000) * windowMs;
      expect(bound).toBeGreaterThan(1_000);
      expect(elapsed).toBeLessThan(bound * 1.5 + 500);
    } finally {
      for (const m of modelers) m.close?.();
      for (const conn of conns) conn.disconnect();
      fake.configure({ latencyMs: 0 });
    }
  });

  it("reserves the most a call can be billed (input, calibrated from billed usage, + 5 × maxTokens) and settles with the billed input + 5 × output", async () => {
    const prefix = testPrefix();
    // A huge bucket that refills slowly (50 M tokens per ~12 days): the probes read it without refill noise.
    const config = bedrockConfig(fake.url, { maxTokens: 2000, tpm: 50_000_000, quotaWindowMs: 1e9 });
    const inner = new BedrockProvider(config);
    const probe = new RedisRateLimiter(redis, { prefix, model: config.model, tpm: config.tpm, rpm: 0, windowMs: 1e9 });
    const reserved: number[] = [];
    const billed: number[] = [];
    const settledDrop: number[] = [];
    let before = 0;
    const provider: LlmProvider = {
      name: inner.name,
      model: inner.model,
      async complete(req) {
        reserved.push(before - (await probe.level()));
        return inner.complete(req);
      },
    };
    const m = createThreatModeler({ config, redis, cache: new MemoryLlmCache(), limiterPrefix: prefix, provider });
    for (let i = 0; i < 8; i += 1) {
      before = await probe.level();
      const outcome = await m.model(request());
      settledDrop.push(before - (await probe.level()));
      billed.push(outcome.usage.inputTokens + 5 * outcome.usage.outputTokens);
    }
    inner.close();
    const stats = fake.stats();
    const billedInput = stats.inputTokens / 8;
    // Before calibration: the engine's estimate (here not the provider's count) + 10 000; after: billed + 5% + 10 000.
    expect(Math.abs(reserved[0]! - (billedInput + 10_000))).toBeGreaterThan(50);
    expect(reserved.at(-1)!).toBeGreaterThanOrEqual(billedInput + 10_000);
    expect(reserved.at(-1)!).toBeLessThanOrEqual(Math.ceil(billedInput * 1.06) + 10_000);
    // Settled: exactly what the provider billed (input + 5 × output), whatever was reserved.
    for (const [i, drop] of settledDrop.entries()) expect(Math.abs(drop - billed[i]!)).toBeLessThanOrEqual(10);
  });

  it("throws a plain (retryable) error on 503, 500 and dropped connections", async () => {
    for (const fault of ["503@1", "500@1", "drop@1"]) {
      fake.configure({ faults: fault });
      fake.reset();
      const error = await modeler()
        .model(request())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).not.toBeInstanceOf(LlmThrottledError);
      expect((error as ProviderError).kind).toBe("transient");
    }
  });

  it("gives up on a slow answer at the timeout instead of hanging", async () => {
    fake.configure({ faults: "slow@1", slowMs: 20_000 });
    const error = await modeler({ timeoutMs: 300 })
      .model(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("transient");
  });

  it("ends partial with the rule threats on a permanent error (400)", async () => {
    fake.configure({ faults: "400@1" });
    const outcome = await modeler().model(request());
    expect(outcome.status).toBe("partial");
    expect(outcome.error?.code).toBe("llm/failed");
    expect(outcome.threats).toEqual(rules);
  });

  it("repairs a malformed answer once by sending the validation errors back", async () => {
    fake.configure({ faults: "malformed@1" });
    const outcome = await modeler().model(request());
    expect(outcome.status).toBe("succeeded");
    expect(outcome.calls).toBe(2);
    const prompts = fake.stats().prompts;
    expect(prompts[1]).toContain("does not match the tool's schema");
    expect(prompts[1]).toContain("threats");
  });

  it("ends partial with llm/invalid-output and the rule threats when the repair is invalid too", async () => {
    fake.configure({ faults: "invalid@1,invalid@2" });
    const outcome = await modeler().model(request());
    expect(outcome.status).toBe("partial");
    expect(outcome.error?.code).toBe("llm/invalid-output");
    expect(outcome.threats).toEqual(rules);
    expect(outcome.calls).toBe(2);
  });

  it("never trusts a cut answer: splits the graph and asks again per half", async () => {
    fake.configure({ faults: "cut@1" });
    const outcome = await modeler().model(request());
    expect(outcome.status).toBe("succeeded");
    expect(outcome.calls).toBe(3);
    expect(
      outcome.threats
        .filter((t) => t.source === "llm")
        .map((t) => t.resources[0]!.id)
        .sort(),
    ).toEqual(["AppBucket", "AppRole", "JobsQueue"]);
  });

  it("ends partial with llm/truncated when a single resource's answer is cut", async () => {
    fake.configure({ faults: "cut@1" });
    const single: ResourceGraph = graphOf([bucket]);
    const outcome = await modeler().model(request({ graph: single }));
    expect(outcome.status).toBe("partial");
    expect(outcome.error?.code).toBe("llm/truncated");
    expect(outcome.threats).toEqual(rules);
  });

  it("splits a template over the token budget along the graph, and a retried job pays only for the parts left", async () => {
    const big = graphOf(
      Array.from({ length: 12 }, (_, i) => node(`Bucket${i}`, { attrs: { policy: "p".repeat(300) } })),
    );
    const cache = new MemoryLlmCache();
    const m = modeler({ maxInputTokens: 500 }, cache);
    fake.configure({ faults: "429@3" });
    const req = request({ graph: big, ruleThreats: [] });
    await expect(m.model(req)).rejects.toBeInstanceOf(LlmThrottledError);
    const callsBefore = fake.stats().converse;
    expect(callsBefore).toBe(3);
    const outcome = await m.model(req);
    expect(outcome.status).toBe("succeeded");
    expect(outcome.chunks).toBeGreaterThan(2);
    expect(fake.stats().converse - callsBefore).toBe(outcome.chunks! - 2);
    expect(new Set(outcome.threats.map((t) => t.resources[0]!.id)).size).toBe(12);
  });

  it("sends a prompt prepared elsewhere (the engine thread) as it is, without redacting or compacting here", async () => {
    const calls = { redact: 0, compactGraph: 0 };
    const real = defaultPromptEngine();
    const counting: PromptEngine = {
      redact: (f, g) => ((calls.redact += 1), real.redact(f, g)),
      compactGraph: (g, o) => ((calls.compactGraph += 1), real.compactGraph(g, o)),
      estimateTokens: (text) => real.estimateTokens(text),
    };
    const big = graphOf(
      Array.from({ length: 12 }, (_, i) => node(`Bucket${i}`, { attrs: { policy: "p".repeat(300) } })),
    );
    const req = request({ graph: big, ruleThreats: [], force: true });
    // What the modeler sends when it builds the prompt itself: several parts.
    await modeler({ maxInputTokens: 500 }).model(req);
    const built = fake.stats().prompts;
    expect(built.length).toBeGreaterThan(1);

    fake.reset();
    const m = createThreatModeler({
      config: bedrockConfig(fake.url, { maxTokens: 2000, maxInputTokens: 500 }),
      redis,
      cache: new MemoryLlmCache(),
      limiterPrefix: testPrefix(),
      engine: counting,
    });
    const prepared = preparePrompt(req.files, req.graph, req.ruleThreats, m.preparation!);
    const outcome = await m.model({ ...req, prepared });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.chunks).toBe(built.length);
    expect(calls).toEqual({ redact: 0, compactGraph: 0 });
    expect(fake.stats().prompts).toEqual(built);

    // Prepared for another prompt: not used, the modeler builds its own.
    fake.reset();
    await m.model({ ...req, prepared: { ...prepared, promptHash: "another prompt" } });
    expect(calls.redact).toBe(1);
    expect(fake.stats().prompts).toEqual(built);
  });

  it("skips the model when the team's budget is spent", async () => {
    const outcome = await modeler().model(request({ budgetExhausted: true }));
    expect(outcome.status).toBe("skipped");
    expect(outcome.error?.code).toBe("llm/budget-exhausted");
    expect(outcome.threats).toEqual(rules);
    expect(fake.stats().converse).toBe(0);
  });
});

describe("stopping a model call", () => {
  it("aborts the Bedrock request in flight when the caller's signal fires, and rejects with LlmAbortedError", async () => {
    // Answers after a minute: only an aborted request ends this test in time.
    const slow = await startFakeBedrock({ latencyMs: 60_000 });
    const m = createThreatModeler({
      config: bedrockConfig(slow.url, { maxTokens: 2000, timeoutMs: 120_000 }),
      redis,
      cache: new MemoryLlmCache(),
      limiterPrefix: testPrefix(),
    });
    try {
      const stop = new AbortController();
      const pending = m.model(request({ signal: stop.signal }));
      await waitFor(() => slow.stats().converse === 1, 20_000, "the request to reach the fake");
      stop.abort();
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmAbortedError);
      expect(slow.stats().served).toBe(0);
    } finally {
      m.close?.();
      await slow.close();
    }
  });
});
