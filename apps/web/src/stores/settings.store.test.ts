import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import type { LlmSettingsDto } from "@threatline/domain";
import { provideApi } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useSettingsStore } from "./settings.store.ts";

const settings = (): LlmSettingsDto => ({
  mode: "llm",
  provider: "bedrock",
  model: "m",
  region: null,
  rpm: 0,
  tpm: 0,
  promptVersion: "v1",
  teams: [
    { id: "t1", name: "payments", budgetUsd: null, spentThisMonthUsd: 3.5 },
    { id: "t2", name: "platform", budgetUsd: 20, spentThisMonthUsd: 1 },
  ],
  error: null,
});

describe("settings store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("sets and clears a team's budget, keeping what the server answered", async () => {
    const sent: Array<[string, number | null]> = [];
    provideApi(
      fakeApi({
        llmSettings: () => Promise.resolve(settings()),
        setBudget: (teamId, llmBudgetUsd) => {
          sent.push([teamId, llmBudgetUsd]);
          return Promise.resolve({
            teamId,
            llmBudgetUsd: llmBudgetUsd === null ? null : Math.round(llmBudgetUsd * 100) / 100,
          });
        },
      }).api,
    );
    const store = useSettingsStore();
    await store.load();
    expect(await store.setBudget("t1", 12.345)).toBe(true);
    expect(store.llm?.teams.map((t) => t.budgetUsd)).toEqual([12.35, 20]);
    expect(await store.setBudget("t2", null)).toBe(true);
    expect(store.llm?.teams.map((t) => t.budgetUsd)).toEqual([12.35, null]);
    expect(sent).toEqual([
      ["t1", 12.345],
      ["t2", null],
    ]);
    expect(store.savingTeamId).toBeNull();
  });

  it("leaves the budget as it was when the server refuses", async () => {
    provideApi(
      fakeApi({
        llmSettings: () => Promise.resolve(settings()),
        setBudget: () => Promise.reject(new ApiError("auth/forbidden", "Needs the team's admin role.", 403)),
      }).api,
    );
    const store = useSettingsStore();
    await store.load();
    expect(await store.setBudget("t2", 5)).toBe(false);
    expect(store.saveError?.code).toBe("auth/forbidden");
    expect(store.llm?.teams[1]?.budgetUsd).toBe(20);
  });
});
