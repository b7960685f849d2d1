import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import type { AnalysisDto } from "@threatline/domain";
import { provideApi, type AnalysisThreatDto } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { DEFAULT_FILTERS } from "../lib/query.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useAnalysisStore } from "./analysis.store.ts";
import { useTriageStore } from "./triage.store.ts";

const analysis = (status: AnalysisDto["status"]) =>
  ({ id: "a1", projectId: "p1", batchId: "b1", status, path: "k8s/api.yaml", threatCount: 2 }) as AnalysisDto;
const threats = (n: number, from = 0) =>
  Array.from(
    { length: n },
    (_, i) => ({ id: `t${from + i}`, fingerprint: `f${from + i}`, triage: "open" }) as AnalysisThreatDto,
  );
const noSummary = () => Promise.resolve({ cells: [], resources: [] });

describe("analysis store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("asks the server for one page of threats with the filters, sort and page, never for all of them", async () => {
    const queries: unknown[] = [];
    provideApi(
      fakeApi({
        getAnalysis: () => Promise.resolve(analysis("succeeded")),
        analysisThreatSummary: () =>
          Promise.resolve({ cells: [{ category: "Spoofing", severity: "high", count: 7000 }], resources: ["Bucket"] }),
        analysisThreats: (_id, q) => {
          queries.push(q);
          return Promise.resolve({ total: 10_000, items: threats(100, q.offset ?? 0) });
        },
      }).api,
    );
    const store = useAnalysisStore();
    await store.load("a1");
    await store.loadThreats("a1", {
      ...DEFAULT_FILTERS,
      severity: "high",
      resource: "Bucket",
      sort: "title",
      order: "asc",
      page: 3,
      pageSize: 100,
    });
    expect(queries).toEqual([
      {
        category: undefined,
        severity: "high",
        source: undefined,
        triage: undefined,
        resource: "Bucket",
        q: undefined,
        sort: "title",
        order: "asc",
        limit: 100,
        offset: 200,
        // Critical to medium listed, low and info counted per file.
        hygiene: "exclude",
      },
    ]);
    expect(store.threats).toHaveLength(100);
    expect(store.threats[0]?.id).toBe("t200");
    expect(store.total).toBe(10_000);
    expect(store.summary.resources).toEqual(["Bucket"]);
  });

  it("keeps the answer to the latest filters when an earlier one arrives late", async () => {
    const pending: Array<(v: { total: number; items: AnalysisThreatDto[] }) => void> = [];
    provideApi(fakeApi({ analysisThreats: () => new Promise((resolve) => pending.push(resolve)) }).api);
    const store = useAnalysisStore();
    const first = store.loadThreats("a1", DEFAULT_FILTERS);
    const second = store.loadThreats("a1", { ...DEFAULT_FILTERS, severity: "critical" });
    pending[1]!({ total: 1, items: threats(1, 50) });
    pending[0]!({ total: 99, items: threats(25) });
    await Promise.all([first, second]);
    expect(store.total).toBe(1);
    expect(store.threats.map((t) => t.id)).toEqual(["t50"]);
  });

  it("shows a triage decision on the threats it covers, and asks again under a triage filter", async () => {
    let calls = 0;
    provideApi(
      fakeApi({
        getAnalysis: () => Promise.resolve(analysis("succeeded")),
        analysisThreatSummary: noSummary,
        analysisThreats: () => {
          calls++;
          return Promise.resolve({ total: 2, items: threats(2) });
        },
        decide: () =>
          Promise.resolve({
            updated: [
              { fingerprint: "f0", status: "mitigated", owner: null, expiresAt: null, note: "", updatedAt: "" },
            ],
            project: { riskScore: 1, threatCount: 1 },
          }),
      }).api,
    );
    const store = useAnalysisStore();
    await store.load("a1");
    await store.loadThreats("a1", DEFAULT_FILTERS);
    await useTriageStore().decide("p1", ["f0"], { status: "mitigated", note: "" });
    expect(store.threats.map((t) => t.triage)).toEqual(["mitigated", "open"]);
    expect(calls).toBe(1);
    await store.loadThreats("a1", { ...DEFAULT_FILTERS, triage: "open" });
    await useTriageStore().decide("p1", ["f0"], { status: "mitigated", note: "" });
    expect(calls).toBe(3);
  });

  it("after a retry, follows the batch and reloads when the analysis is final", async () => {
    let loads = 0;
    const fake = fakeApi({
      getAnalysis: () => {
        loads++;
        return Promise.resolve(analysis(loads === 1 ? "failed" : "succeeded"));
      },
      analysisThreatSummary: noSummary,
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
    provideApi(
      fakeApi({
        getAnalysis: () => Promise.reject(new ApiError("analysis/not-found", "No such analysis.", 404)),
        analysisThreatSummary: noSummary,
      }).api,
    );
    const store = useAnalysisStore();
    await store.load("nope");
    expect(store.error?.code).toBe("analysis/not-found");
    expect(store.analysis).toBeNull();
  });
});
