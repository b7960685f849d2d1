import { afterEach, describe, expect, it } from "vitest";
import { TokenBucket } from "./bucket.ts";
import { seededRandom } from "@threatline/domain";
import { parseFaults, pickFault } from "./faults.ts";
import { type FakeBedrock, startFakeBedrock } from "./server.ts";

const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

function converseBody(ids: string[], maxTokens = 2000, findings: unknown[] = []) {
  return {
    system: [{ text: "system" }],
    messages: [
      {
        role: "user",
        content: [
          {
            text: `<template_data><resource_ids>${JSON.stringify(ids)}</resource_ids><rule_findings>${JSON.stringify(findings)}</rule_findings></template_data>`,
          },
        ],
      },
    ],
    inferenceConfig: { maxTokens },
    toolConfig: {
      tools: [{ toolSpec: { name: "record_threats", inputSchema: { json: { type: "object" } } } }],
      toolChoice: { tool: { name: "record_threats" } },
    },
  };
}

interface ConverseJson {
  message?: string;
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number };
  output: {
    message: {
      content: Array<{
        toolUse: {
          input: { threats: Array<{ category: string; title: string; resourceIds: string[]; ruleId: string | null }> };
        };
      }>;
    };
  };
}

async function post(fake: FakeBedrock, body: unknown, model = MODEL) {
  const res = await fetch(`${fake.url}/model/${encodeURIComponent(model)}/converse`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, type: res.headers.get("x-amzn-errortype"), json: (await res.json()) as ConverseJson };
}

describe("faults", () => {
  it("parses rates and request numbers, and rejects unknown kinds", () => {
    const plan = parseFaults("429:0.05, 503:0.02,cut@3");
    expect(plan.rates).toEqual({ "429": 0.05, "503": 0.02 });
    expect(plan.at.get(3)).toBe("cut");
    expect(() => parseFaults("teapot:0.1")).toThrow(/teapot/);
    expect(() => parseFaults("429:2")).toThrow();
  });

  it("draws the same faults for the same seed", () => {
    const plan = parseFaults("503:0.3");
    const a = seededRandom(7);
    const b = seededRandom(7);
    const seqA = Array.from({ length: 50 }, (_, i) => pickFault(plan, i + 1, a));
    const seqB = Array.from({ length: 50 }, (_, i) => pickFault(plan, i + 1, b));
    expect(seqA).toEqual(seqB);
    expect(seqA.filter(Boolean).length).toBeGreaterThan(5);
    const c = seededRandom(8);
    expect(Array.from({ length: 50 }, (_, i) => pickFault(plan, i + 1, c))).not.toEqual(seqA);
  });
});

describe("TokenBucket", () => {
  it("admits while not empty, settles, and refills over the window", () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 60_000, () => now);
    expect(bucket.tryTake(800)).toBe(true);
    expect(bucket.tryTake(300)).toBe(false);
    bucket.adjust(500);
    expect(bucket.tryTake(300)).toBe(true);
    now = 30_000;
    expect(bucket.available()).toBe(400 + 500);
  });

  it("records when it sat full, the refill lost", () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 60_000, () => now);
    now = 5_000;
    expect(bucket.tryTake(600)).toBe(true); // full from 0 to 5 s
    now = 20_000;
    bucket.available(); // 400 + 250: not full yet
    now = 50_000;
    bucket.available(); // full again at 20 s + 350 × 60 = 41 s
    now = 60_000;
    bucket.available();
    expect(bucket.fullSpans).toEqual([
      [0, 5_000],
      [41_000, 60_000],
    ]);
  });
});

describe("fake Bedrock", () => {
  let fake: FakeBedrock;
  afterEach(async () => fake.close());

  it("answers a forced tool call with threats about the named resources, marked as fake, and deterministic usage", async () => {
    fake = await startFakeBedrock({ ungrounded: 1 });
    const a = await post(
      fake,
      converseBody(["AppBucket", "AppRole"], 4000, [
        { ruleId: "TL-1", category: "Tampering", title: "t", resourceId: "AppBucket" },
      ]),
    );
    const b = await post(
      fake,
      converseBody(["AppBucket", "AppRole"], 4000, [
        { ruleId: "TL-1", category: "Tampering", title: "t", resourceId: "AppBucket" },
      ]),
    );
    expect(a.status).toBe(200);
    expect(a.json.stopReason).toBe("tool_use");
    const threats = a.json.output.message.content[0]!.toolUse.input.threats;
    expect(threats.map((t) => t.resourceIds[0])).toEqual(["AppBucket", "AppRole", "AppBucket", "ghost-resource-1"]);
    expect(threats.every((t) => t.title.startsWith("[fake]") || t.ruleId === "TL-1")).toBe(true);
    expect(a.json.usage).toEqual(b.json.usage);
    expect(a.json.usage.inputTokens).toBeGreaterThan(0);
    expect(fake.stats().models).toEqual({ [MODEL]: 2 });
  });

  it("reads rule findings sent as rows (stride-v2) as it reads them as objects", async () => {
    fake = await startFakeBedrock({});
    const rows = await post(fake, converseBody(["AppBucket"], 4000, [["TL-1", "AppBucket", "Tampering", "t"]]));
    const threats = rows.json.output.message.content[0]!.toolUse.input.threats;
    expect(threats.filter((t) => t.ruleId === "TL-1")).toEqual([
      expect.objectContaining({ ruleId: "TL-1", category: "Tampering", title: "t", resourceIds: ["AppBucket"] }),
    ]);
  });

  it("answers 429 exactly as Bedrock does when the token bucket is empty, and counts it", async () => {
    fake = await startFakeBedrock({ tpm: 3000 });
    const first = await post(fake, converseBody(["A"], 2500));
    const second = await post(fake, converseBody(["A"], 2500));
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.type).toMatch(/^ThrottlingException:/);
    expect(second.json).toEqual({ message: "Too many tokens, please wait before trying again." });
    expect(fake.stats().throttled).toBe(1);
  });

  it("holds input + maxTokens while a call runs and settles to input + 5 × output when it ends, as Bedrock does", async () => {
    // A 10 000-token bucket that refills over an hour: no refill to speak of during the test.
    fake = await startFakeBedrock({ tpm: 10_000, windowMs: 3_600_000, latencyMs: 400 });
    const slow = post(fake, converseBody(["A"], 6000));
    await new Promise((r) => setTimeout(r, 100));
    // While the first call holds its 6 000 + input, a 5 000 reservation does not fit.
    expect((await post(fake, converseBody(["A"], 5000))).status).toBe(429);
    const first = await slow;
    expect(first.status).toBe(200);
    // Settled to input + 5 × output (a few hundred tokens): now it fits.
    expect((await post(fake, converseBody(["A"], 5000))).status).toBe(200);
  });

  it("charges output tokens five times for Claude 4-class ids", async () => {
    fake = await startFakeBedrock();
    const { json } = await post(fake, converseBody(["A"]));
    expect(fake.stats().quotaTokens).toBe(json.usage.inputTokens + 5 * json.usage.outputTokens);
    fake.reset();
    const other = await post(fake, converseBody(["A"]), "mistral.mistral-large-2407-v1:0");
    expect(fake.stats().quotaTokens).toBe(other.json.usage.inputTokens + other.json.usage.outputTokens);
  });

  it("plays scripted faults by request number", async () => {
    fake = await startFakeBedrock({ faults: "503@1,cut@2,invalid@3,400@4" });
    const r1 = await post(fake, converseBody(["A", "B"]));
    const r2 = await post(fake, converseBody(["A", "B"]));
    const r3 = await post(fake, converseBody(["A", "B"]));
    const r4 = await post(fake, converseBody(["A", "B"]));
    expect([r1.status, r1.type?.split(":")[0]]).toEqual([503, "ServiceUnavailableException"]);
    expect(r2.json.stopReason).toBe("max_tokens");
    expect(r3.json.output.message.content[0]!.toolUse.input.threats[0]!.category).toBe("Phishing");
    expect([r4.status, r4.type?.split(":")[0]]).toEqual([400, "ValidationException"]);
    expect(fake.stats().faults).toEqual({ "503": 1, cut: 1, invalid: 1, "400": 1 });
  });

  it("drops the connection on a drop fault", async () => {
    fake = await startFakeBedrock({ faults: "drop@1" });
    await expect(post(fake, converseBody(["A"]))).rejects.toThrow();
  });

  it("cuts an answer longer than maxTokens", async () => {
    fake = await startFakeBedrock({ padding: 2000 });
    const { json } = await post(fake, converseBody(["A", "B", "C", "D"], 600));
    expect(json.stopReason).toBe("max_tokens");
    expect(json.usage.outputTokens).toBe(600);
  });

  it("counts tokens, records prompts on demand, and takes new config over HTTP", async () => {
    fake = await startFakeBedrock();
    const res = await fetch(`${fake.url}/model/${encodeURIComponent(MODEL)}/count-tokens`, {
      method: "POST",
      body: JSON.stringify({ input: { converse: converseBody(["A"]) } }),
    });
    expect(((await res.json()) as { inputTokens: number }).inputTokens).toBeGreaterThan(0);
    await fetch(`${fake.url}/__fake/config`, {
      method: "POST",
      body: JSON.stringify({ recordPrompts: true, faults: "424@1" }),
    });
    await fetch(`${fake.url}/__fake/reset`, { method: "POST" });
    const r = await post(fake, converseBody(["SecretHolder"]));
    expect(r.status).toBe(424);
    const stats = (await (await fetch(`${fake.url}/__fake/stats`)).json()) as { prompts: string[]; converse: number };
    expect(stats.converse).toBe(1);
    expect(stats.prompts[0]).toContain("SecretHolder");
  });
});
