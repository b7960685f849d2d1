import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi } from "../api/client.ts";
import { batch, fakeApi } from "../../test/fake-api.ts";
import { useBatchesStore } from "./batches.store.ts";

describe("batches store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("re-queues only the failed and canceled files of a batch", async () => {
    const retried: string[] = [];
    const before = batch("b1", [
      {
        id: "a1",
        path: "ok.yaml",
        status: "succeeded",
        format: "kubernetes",
        threatCount: 3,
        errorCode: null,
        errorMessage: null,
        severityCounts: {},
      },
      {
        id: "a2",
        path: "bad.yaml",
        status: "failed",
        format: null,
        threatCount: 0,
        errorCode: "template/parse-failed",
        errorMessage: "x",
        severityCounts: {},
      },
      {
        id: "a3",
        path: "late.yaml",
        status: "canceled",
        format: null,
        threatCount: 0,
        errorCode: null,
        errorMessage: null,
        severityCounts: {},
      },
    ]);
    const after = {
      ...before,
      analyses: before.analyses.map((a) => (a.id === "a1" ? a : { ...a, status: "queued" as const })),
    };
    provideApi(
      fakeApi({
        listBatches: () => Promise.resolve([before]),
        retryAnalysis: (id) => {
          retried.push(id);
          return Promise.resolve({} as never);
        },
        getBatch: () => Promise.resolve(after),
      }).api,
    );
    const store = useBatchesStore();
    await store.load();
    expect(await store.retryFailed(before)).toBe(2);
    expect(retried).toEqual(["a2", "a3"]);
    expect(store.items[0]!.analyses.map((a) => a.status)).toEqual(["succeeded", "queued", "queued"]);
  });
});
