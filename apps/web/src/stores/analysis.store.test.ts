import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import type { AnalysisDto } from "@threatline/domain";
import { provideApi, type AnalysisThreatDto } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useAnalysisStore } from "./analysis.store.ts";
import { useTriageStore } from "./triage.store.ts";

const analysis = (status: AnalysisDto["status"]) => ({ id: "a1", projectId: "p1", batchId: "b1", status, path: "k8s/api.yaml" }) as AnalysisDto;
const threats = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `t${from + i}`, fingerprint: `f${from + i}`, triage: "open" }) as AnalysisThreatDto);

describe("analysis store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("loads every page of threats", async () => {
    const offsets: number[] = [];
    provideApi(
      fakeApi({
        getAnalysis: () => Promise.resolve(analysis("succeeded")),
        analysisThreats: (_id, q) => {
          offsets.push(q.offset ?? 0);
          const off = q.offset ?? 0;
          return Promise.resolve({ total: 1200, items: threats(Math.min(500, 1200 - off), off) });
        },
      }).api,
    );
    const store = useAnalysisStore();
    await store.load("a1");
    expect(offsets).toEqual([0, 500, 1000]);
    expect(store.threats).toHaveLength(1200);
    expect(store.truncated).toBe(false);
  });

  it("shows a triage decision on the threats it covers", async () => {
    provideApi(
      fakeApi({
        getAnalysis: () => Promise.resolve(analysis("succeeded")),
        analysisThreats: () => Promise.resolve({ total: 2, items: threats(2) }),
        decide: () => Promise.resolve({ updated: [{ fingerprint: "f0", status: "mitigated", owner: null, expiresAt: null, note: "", updatedAt: "" }], project: { riskScore: 1, threatCount: 1 } }),
      }).api,
    );
    const store = useAnalysisStore();
    await store.load("a1");
    await useTriageStore().decide("p1", ["f0"], { status: "mitigated", note: "" });
    expect(store.threats.map((t) => t.triage)).toEqual(["mitigated", "open"]);
  });

  it("after a retry, follows the batch and reloads when the analysis is final", async () => {
    let loads = 0;
    const fake = fakeApi({
      getAnalysis: () => {
        loads++;
        return Promise.resolve(analysis(loads === 1 ? "failed" : "succeeded"));
      },
      analysisThreats: () => Promise.resolve({ total: 0, items: [] }),
      retryAnalysis: () => Promise.resolve(analysis("queued")),
    });
    provideApi(fake.api);
    const store = useAnalysisStore();
    await store.load("a1");
    await store.retry(true);
    expect(store.analysis?.status).toBe("queued");
    fake.stream("b1").analysis({ analysisId: "a1", batchId: "b1", projectId: "p1", status: "succeeded", at: "" });
    await new Promise((r) => setTimeout(r, 0));
    expect(loads).toBe(2);
    expect(store.analysis?.status).toBe("succeeded");
    expect(fake.closed).toContain("b1");
  });

  it("keeps the error code of a failed load", async () => {
    provideApi(fakeApi({ getAnalysis: () => Promise.reject(new ApiError("analysis/not-found", "No such analysis.", 404)), analysisThreats: () => Promise.resolve({ total: 0, items: [] }) }).api);
    const store = useAnalysisStore();
    await store.load("nope");
    expect(store.error?.code).toBe("analysis/not-found");
    expect(store.analysis).toBeNull();
  });
});
