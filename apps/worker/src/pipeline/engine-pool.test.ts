import { afterEach, describe, expect, it } from "vitest";
import { hugeTerraform } from "../../../../scripts/faults/huge-templates.ts";
import { preparePrompt } from "@threatline/llm";
import { buildSystemGraph } from "@threatline/system";
import { EnginePool, EngineTimeoutError, type EnginePoolOptions } from "./engine-pool.ts";

// Real engine threads on real templates: a plain bucket is five rule threats.
const pools: EnginePool[] = [];
function pool(options: Partial<EnginePoolOptions>): EnginePool {
  const p = new EnginePool({ threads: 1, timeoutMs: 600_000, maxThreats: 1_000_000, memoryMb: 1_024, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const run = (p: EnginePool, file: { path: string; content: string }) => p.analyze([file], [file.path]);

describe("EnginePool time bound", () => {
  it("kills a slow analysis at its configured timeout and keeps serving", { timeout: 120_000 }, async () => {
    const p = pool({ timeoutMs: 1_000 });
    // 20,000 buckets take the engine well over ten seconds on any machine this runs on.
    await expect(run(p, hugeTerraform(20_000))).rejects.toBeInstanceOf(EngineTimeoutError);
    // The killed thread is replaced: the next template is analysed.
    const small = await run(p, hugeTerraform(2));
    expect(small.threats.length).toBe(10);
  });

  it("does not count the time a task waits for a thread", { timeout: 180_000 }, async () => {
    const file = hugeTerraform(100);
    // How long one analysis takes here and now on a warm thread: the median of three.
    const probe = pool({});
    await run(probe, file);
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const started = Date.now();
      await run(probe, file);
      times.push(Date.now() - started);
    }
    const one = times.sort((a, b) => a - b)[1]!;
    // Each analysis fits its bound four times over, but the queue as a whole takes three times the bound:
    // a clock started at submission would time the later ones out.
    const timeoutMs = Math.max(4 * one, 1_000);
    const queued = Math.ceil((3 * timeoutMs) / one) + 1;
    const p = pool({ timeoutMs });
    await run(p, file); // the thread is up
    const results = await Promise.allSettled(Array.from({ length: queued }, () => run(p, file)));
    const failures = results.filter((r) => r.status === "rejected");
    expect({ queued, failed: failures.length, first: failures[0]?.reason }).toEqual({
      queued,
      failed: 0,
      first: undefined,
    });
  });
});

describe("EnginePool prompt preparation", () => {
  it(
    "prepares the LLM's prompt in the engine thread, as the main thread would have built it",
    { timeout: 120_000 },
    async () => {
      const file = hugeTerraform(40);
      const options = { promptVersion: "stride-v2", maxInputTokens: 1_500 };
      const result = await pool({}).analyze([file], [file.path], undefined, [], options);
      expect(result.prompt).toBeTruthy();
      expect(result.prompt!.parts.length).toBeGreaterThan(1);
      expect(result.prompt).toEqual(preparePrompt([file], result.graph, result.threats, options));
      // Not asked for: not built.
      expect((await run(pool({}), file)).prompt).toBeUndefined();
    },
  );
});

describe("EnginePool system graph", () => {
  it(
    "builds a project's system graph in an engine thread, as the main thread would",
    { timeout: 120_000 },
    async () => {
      const files = [hugeTerraform(30), { ...hugeTerraform(5), path: "other/main.tf" }];
      const inThread = await pool({}).buildSystemGraph(files, {});
      expect(inThread.nodes.length).toBeGreaterThan(30);
      expect(inThread).toEqual(await buildSystemGraph(files, {}));
    },
  );
});
