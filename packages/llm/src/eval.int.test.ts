import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeBedrock, startFakeBedrock } from "@threatline/bedrock-fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEvalCorpus, parseEvalSpec, runEval } from "./eval.ts";

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
spec:
  containers:
    - name: web
      image: nginx:latest
`;

describe("model evaluation against the fake", () => {
  let fake: FakeBedrock;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID ??= "AKIDFAKEFORTESTS";
    process.env.AWS_SECRET_ACCESS_KEY ??= "fake-secret-for-tests";
    fake = await startFakeBedrock({ ungrounded: 1, faults: "503@1" });
  });
  afterAll(async () => fake.close());

  it("reports tokens and cost equal to what the fake served, retries a transient failure, and counts model threats", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-eval-int-"));
    writeFileSync(join(dir, "a.yaml"), POD);
    writeFileSync(join(dir, "a.expected.json"), JSON.stringify({ ruleIds: [] }));
    writeFileSync(join(dir, "b.yaml"), POD.replace("web", "api"));
    writeFileSync(join(dir, "b.expected.json"), JSON.stringify({ ruleIds: [] }));
    const cases = loadEvalCorpus([dir], dir);
    const summary = await runEval(
      cases,
      parseEvalSpec(`bedrock:us.anthropic.claude-haiku-4-5-20251001-v1:0@${fake.url}`),
      {
        env: { AWS_REGION: "us-east-1" },
        concurrency: 1,
      },
    );
    const stats = fake.stats();
    expect(summary.failed).toBe(0);
    expect(stats.converse).toBe(3);
    expect(summary.inputTokens).toBe(stats.inputTokens);
    expect(summary.outputTokens).toBe(stats.outputTokens);
    expect(summary.costUsd).toBeCloseTo((stats.inputTokens * 1 + stats.outputTokens * 5) / 1e6, 10);
    expect(summary.ungrounded).toBe(2);
    expect(summary.modelThreats).toBe(2);
    expect(summary.modelThreatsOnClean).toBe(2);
  });
});
