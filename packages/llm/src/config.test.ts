import { describe, expect, it } from "vitest";
import { limitsFor, loadLlmConfig } from "./config.ts";
import { costUsd, priceFor } from "./cost.ts";

describe("loadLlmConfig", () => {
  it("returns null when no provider is configured: rules only", () => {
    expect(loadLlmConfig({})).toBeNull();
    expect(loadLlmConfig({ THREATLINE_LLM_PROVIDER: "" })).toBeNull();
  });

  it("applies the documented defaults for Bedrock", () => {
    const config = loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock" })!;
    expect(config).toMatchObject({
      provider: "bedrock",
      model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      maxTokens: 4096,
      temperature: 0,
      tpm: 0,
      rpm: 0,
      outputTokenWeight: 5,
      ungrounded: "drop",
      promptVersion: "stride-v2",
      sdkMaxAttempts: 1,
    });
  });

  it("reads numbers, the price table and the OpenAI-compatible settings", () => {
    const config = loadLlmConfig({
      THREATLINE_LLM_PROVIDER: "openai-compatible",
      OPENAI_BASE_URL: "http://localhost:11434/v1/",
      OPENAI_MODEL: "llama3.1:8b",
      LLM_TPM: "200000",
      LLM_PRICES: '{"llama3.1:8b":{"input":0,"output":0}}',
      LLM_UNGROUNDED: "flag",
    })!;
    expect(config.model).toBe("llama3.1:8b");
    expect(config.openai).toEqual({ baseUrl: "http://localhost:11434/v1", apiKey: undefined });
    expect(config.tpm).toBe(200_000);
    expect(config.prices["llama3.1:8b"]).toEqual({ input: 0, output: 0 });
    expect(config.prices["claude-sonnet-4"]).toBeDefined();
    expect(config.ungrounded).toBe("flag");
  });

  it("resolves per-model quotas: exact id, else the longest fragment, else the defaults", () => {
    const config = loadLlmConfig({
      THREATLINE_LLM_PROVIDER: "bedrock",
      LLM_TPM: "100000",
      LLM_RPM: "50",
      LLM_MODEL_LIMITS:
        '{"claude-haiku-4":{"tpm":400000},"claude-sonnet-4":{"tpm":200000,"margin":0.05},"us.anthropic.claude-sonnet-4-5-20250929-v1:0":{"rpm":10}}',
    })!;
    expect(config.quotaMargin).toBe(0.01);
    expect(config.quotaWindowMs).toBe(60_000);
    expect(limitsFor(config, "us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toEqual({
      tpm: 100_000,
      rpm: 10,
      outputTokenWeight: 5,
      quotaMargin: 0.01,
    });
    expect(limitsFor(config, "global.anthropic.claude-sonnet-4-5-20250929-v1:0")).toEqual({
      tpm: 200_000,
      rpm: 50,
      outputTokenWeight: 5,
      quotaMargin: 0.05,
    });
    expect(limitsFor(config, "us.anthropic.claude-haiku-4-5-20251001-v1:0")).toMatchObject({ tpm: 400_000, rpm: 50 });
    expect(limitsFor(config, "amazon.nova-pro-v1:0")).toEqual({
      tpm: 100_000,
      rpm: 50,
      outputTokenWeight: 5,
      quotaMargin: 0.01,
    });
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", LLM_MODEL_LIMITS: '{"m":{"tpm":-1}}' })).toThrow(
      /LLM_MODEL_LIMITS/,
    );
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", LLM_MODEL_LIMITS: '{"m":{"tmp":1}}' })).toThrow(
      /LLM_MODEL_LIMITS/,
    );
  });

  it("names every bad key", () => {
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "gemini" })).toThrow(/THREATLINE_LLM_PROVIDER/);
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", LLM_MAX_TOKENS: "lots" })).toThrow(
      /LLM_MAX_TOKENS/,
    );
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", LLM_PRICES: "{" })).toThrow(/LLM_PRICES/);
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "openai-compatible" })).toThrow(/OPENAI_BASE_URL/);
  });
});

describe("cost", () => {
  it("prices a Claude inference profile by its model fragment", () => {
    const config = loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock" })!;
    const price = priceFor(config.prices, config.model);
    expect(price).toMatchObject({ input: 3, output: 15 });
    expect(
      costUsd(price, { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0 }),
    ).toBeCloseTo(4.5);
    expect(priceFor(config.prices, "mistral.unknown")).toBeNull();
  });
});
