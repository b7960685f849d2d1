import { describe, expect, it } from "vitest";
import { loadLlmConfig } from "./config.ts";
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
      promptVersion: "stride-v1",
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

  it("names every bad key", () => {
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "gemini" })).toThrow(/THREATLINE_LLM_PROVIDER/);
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", LLM_MAX_TOKENS: "lots" })).toThrow(/LLM_MAX_TOKENS/);
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", LLM_PRICES: "{" })).toThrow(/LLM_PRICES/);
    expect(() => loadLlmConfig({ THREATLINE_LLM_PROVIDER: "openai-compatible" })).toThrow(/OPENAI_BASE_URL/);
  });
});

describe("cost", () => {
  it("prices a Claude inference profile by its model fragment", () => {
    const config = loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock" })!;
    const price = priceFor(config.prices, config.model);
    expect(price).toMatchObject({ input: 3, output: 15 });
    expect(costUsd(price, { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBeCloseTo(4.5);
    expect(priceFor(config.prices, "mistral.unknown")).toBeNull();
  });
});
