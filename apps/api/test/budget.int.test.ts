import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import type { LlmStage } from "@threatline/worker";
import { createHarness, type Harness } from "./harness.ts";
import { CFN_BUCKET } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";

/** A model step that records what the worker asked and charges a fixed cost, honouring the budget flag as the real modeler does. */
function recordingLlm(seen: boolean[]): LlmStage {
  return {
    model(req) {
      seen.push(req.budgetExhausted ?? false);
      const usage = {
        inputTokens: 100,
        outputTokens: 10,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        latencyMs: 1,
        costUsd: 0.5,
      };
      if (req.budgetExhausted) {
        return Promise.resolve({
          status: "skipped" as const,
          threats: req.ruleThreats,
          provider: "bedrock",
          model: "m",
          promptHash: null,
          usage: { ...usage, inputTokens: 0, outputTokens: 0, costUsd: 0 },
          cacheHit: false,
          ungroundedCount: 0,
          error: { code: "llm/budget-exhausted" as const, message: "spent" },
        });
      }
      return Promise.resolve({
        status: "succeeded" as const,
        threats: req.ruleThreats,
        provider: "bedrock",
        model: "m",
        promptHash: "p",
        usage,
        cacheHit: false,
        ungroundedCount: 0,
      });
    },
  };
}

describe("a team's monthly LLM budget", () => {
  let h: Harness;
  let projectId: string;
  let teamId: string;
  const seen: boolean[] = [];

  beforeAll(async () => {
    h = await createHarness();
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "budgeted" }).expect(201)).body as {
      id: string;
      teamId: string;
    };
    projectId = project.id;
    teamId = project.teamId;
    h.startWorker({ llm: recordingLlm(seen) });
  });
  afterAll(async () => {
    await h.close();
  });

  async function analyse(content: string) {
    const { analyses } = (
      await request(h.app)
        .post(`/api/v1/projects/${projectId}/submissions`)
        .send({ files: [{ path: "b.yaml", content }] })
        .expect(202)
    ).body as SubmissionResult;
    const id = analyses[0]!.id;
    return waitFor(
      async () => {
        const a = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
        return a.status === "succeeded" ? a : undefined;
      },
      30_000,
      "analysis",
    );
  }

  it("calls the model while the budget lasts, then runs rules only and says why", async () => {
    const first = await analyse(CFN_BUCKET);
    expect(seen).toEqual([false]);
    expect(Number(first.costUsd)).toBe(0.5);

    // 0.5 spent this month; a budget of 0.5 is now spent.
    const set = await request(h.app).put(`/api/v1/teams/${teamId}/budget`).send({ llmBudgetUsd: 0.5 }).expect(200);
    expect(set.body).toEqual({ teamId, llmBudgetUsd: 0.5 });
    const second = await analyse(`${CFN_BUCKET}# v2\n`);
    expect(seen).toEqual([false, true]);
    expect(second.errorCode).toBe("llm/budget-exhausted");
    expect(second.threatCount).toBeGreaterThan(0);
    expect(Number(second.costUsd)).toBe(0);

    // Lifting the budget lets the model back in.
    await request(h.app).put(`/api/v1/teams/${teamId}/budget`).send({ llmBudgetUsd: null }).expect(200);
    await analyse(`${CFN_BUCKET}# v3\n`);
    expect(seen).toEqual([false, true, false]);
    expect(await h.database.db.auditEvent.count({ where: { action: "team.budget" } })).toBe(2);
  });

  it("refuses a negative budget", async () => {
    const res = await request(h.app).put(`/api/v1/teams/${teamId}/budget`).send({ llmBudgetUsd: -1 }).expect(400);
    expect(res.body.error.code).toBe("request/invalid");
  });
});
