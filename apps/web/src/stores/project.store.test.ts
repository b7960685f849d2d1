import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import type { CurrentThreatDto, ProjectDto, TriageDecision } from "@threatline/domain";
import { provideApi } from "../api/client.ts";
import { DEFAULT_FILTERS } from "../lib/query.ts";
import { fakeApi } from "../../test/fake-api.ts";
import { useProjectStore } from "./project.store.ts";
import { useTriageStore } from "./triage.store.ts";

const project: ProjectDto = {
  id: "p1",
  teamId: "t",
  name: "payments",
  description: "",
  createdAt: "",
  riskScore: 30,
  threatCount: 3,
  lastAnalyzedAt: null,
};

describe("project store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("asks the server for the page the filters describe", async () => {
    const queries: unknown[] = [];
    provideApi(
      fakeApi({
        currentThreats: (_id, query) => {
          queries.push(query);
          return Promise.resolve({ total: 120, items: [{ fingerprint: "f1" } as CurrentThreatDto] });
        },
      }).api,
    );
    const store = useProjectStore();
    await store.loadThreats("p1", { ...DEFAULT_FILTERS, severity: "high", page: 3, pageSize: 25 });
    expect(queries).toEqual([
      {
        category: undefined,
        severity: "high",
        source: undefined,
        triage: undefined,
        resource: undefined,
        q: undefined,
        sort: "score",
        order: "desc",
        limit: 25,
        offset: 50,
        hygiene: "include",
      },
    ]);
    expect(store.threatTotal).toBe(120);
  });

  it("folded: asks for critical to medium with hygiene counted per file, and a group's low and info by file", async () => {
    const queries: Array<Record<string, unknown>> = [];
    const hygiene = { total: 3, byFile: [{ file: "a.yaml", low: 2, info: 1 }] };
    provideApi(
      fakeApi({
        currentThreats: (_id, query) => {
          queries.push(query);
          return Promise.resolve(
            query.hygiene === "only"
              ? { total: 1, items: [{ fingerprint: "h1" } as CurrentThreatDto] }
              : { total: 1, items: [{ fingerprint: "f1" } as CurrentThreatDto], hygiene },
          );
        },
      }).api,
    );
    const store = useProjectStore();
    await store.loadThreats("p1", DEFAULT_FILTERS, true);
    expect(queries.at(-1)).toMatchObject({ hygiene: "exclude" });
    expect(store.hygiene).toEqual(hygiene);
    await store.loadHygiene("p1", DEFAULT_FILTERS, "a.yaml");
    expect(queries.at(-1)).toMatchObject({ hygiene: "only", file: "a.yaml", offset: 0 });
    expect(store.hygieneThreats).toEqual({ "a.yaml": [{ fingerprint: "h1" }] });
    // Low asked for by name: listed one by one.
    await store.loadThreats("p1", { ...DEFAULT_FILTERS, severity: "low" }, true);
    expect(queries.at(-1)).toMatchObject({ hygiene: "include", severity: "low" });
    expect(store.hygieneThreats).toEqual({});
  });

  it("takes the new risk from a triage decision and reloads the page and the trend", async () => {
    let pageLoads = 0;
    let trendLoads = 0;
    let decided: { fingerprints: string[]; decision: TriageDecision } | undefined;
    provideApi(
      fakeApi({
        getProject: () => Promise.resolve(project),
        templates: () => Promise.resolve([]),
        timeline: () => Promise.resolve([]),
        trend: () => {
          trendLoads++;
          return Promise.resolve([]);
        },
        currentThreats: () => {
          pageLoads++;
          return Promise.resolve({ total: 0, items: [] });
        },
        decide: (_p, fingerprints, decision) => {
          decided = { fingerprints, decision };
          return Promise.resolve({ updated: [], project: { riskScore: 12, threatCount: 2 } });
        },
      }).api,
    );
    const store = useProjectStore();
    await store.load("p1");
    await store.loadThreats("p1", DEFAULT_FILTERS);
    const decision: TriageDecision = { status: "accepted", owner: "ana", expiresAt: "2099-01-01", note: "" };
    await useTriageStore().decide("p1", ["f1", "f2"], decision);
    expect(decided).toEqual({ fingerprints: ["f1", "f2"], decision });
    expect(store.project?.riskScore).toBe(12);
    await Promise.resolve();
    expect(pageLoads).toBe(2);
    expect(trendLoads).toBe(2);
  });

  it("ignores decisions about other projects", async () => {
    provideApi(
      fakeApi({
        getProject: () => Promise.resolve(project),
        templates: () => Promise.resolve([]),
        timeline: () => Promise.resolve([]),
        trend: () => Promise.resolve([]),
        decide: () => Promise.resolve({ updated: [], project: { riskScore: 1, threatCount: 1 } }),
      }).api,
    );
    const store = useProjectStore();
    await store.load("p1");
    await useTriageStore().decide("p2", ["x"], { status: "mitigated", note: "" });
    expect(store.project?.riskScore).toBe(30);
  });
});
