import type { BatchDto } from "@threatline/domain";
import type { Api, BatchEventHandlers } from "../src/api/client.ts";

/** A stand-in for the API: the methods a test gives, and a batch stream the test drives by hand. */
export function fakeApi(methods: Partial<Api>) {
  const streams = new Map<string, BatchEventHandlers>();
  const closed: string[] = [];
  const api = {
    batchEvents: (batchId: string, handlers: BatchEventHandlers) => {
      streams.set(batchId, handlers);
      return () => {
        closed.push(batchId);
        streams.delete(batchId);
      };
    },
    ...methods,
  } as Api;
  return {
    api,
    closed,
    stream(batchId: string): BatchEventHandlers {
      const s = streams.get(batchId);
      if (!s) throw new Error(`no open stream for ${batchId}`);
      return s;
    },
  };
}

export function batch(id: string, analyses: BatchDto["analyses"], projectId = "p1"): BatchDto {
  const counts: BatchDto["counts"] = {};
  for (const a of analyses) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return {
    id,
    projectId,
    source: "web",
    fileCount: analyses.length,
    createdAt: "2026-11-26T10:00:00.000Z",
    status: "running",
    counts,
    analyses,
    rejected: [],
  };
}
