import { describe, expect, it } from "vitest";
import { batchStreamMessage, parseBatchStreamEvent, type AnalysisEvent, type BatchDto } from "../src/index.ts";

const batch: BatchDto = {
  id: "5f0a0d5e-8a3b-4c55-9a55-2b8f7c1d0e11",
  projectId: "0b6a8a52-7c1f-4f0e-8b7e-6d5c4b3a2a10",
  source: "cli",
  fileCount: 1,
  createdAt: "2026-12-07T18:00:00.000Z",
  status: "running",
  counts: { running: 1 },
  analyses: [],
  rejected: [],
};
const event: AnalysisEvent = {
  analysisId: "9c1e7d2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a",
  batchId: batch.id,
  projectId: batch.projectId,
  status: "succeeded",
  threatCount: 3,
  at: "2026-12-07T18:00:01.000Z",
};

/** The `event:` and `data:` fields of one written message, as an SSE reader splits them. */
function fields(message: string): { event: string; data: string } {
  const lines = message.trimEnd().split("\n");
  return {
    event: lines.find((l) => l.startsWith("event: "))!.slice("event: ".length),
    data: lines.find((l) => l.startsWith("data: "))!.slice("data: ".length),
  };
}

describe("the batch event stream", () => {
  it("reads back what the API writes, tagged by event name", () => {
    const snapshot = fields(batchStreamMessage("snapshot", batch));
    expect(parseBatchStreamEvent(snapshot.event, snapshot.data)).toEqual({ event: "snapshot", data: batch });
    const analysis = fields(batchStreamMessage("analysis", event));
    expect(parseBatchStreamEvent(analysis.event, analysis.data)).toEqual({ event: "analysis", data: event });
    const done = fields(batchStreamMessage("done", { ...batch, status: "succeeded" }));
    expect(parseBatchStreamEvent(done.event, done.data)).toMatchObject({
      event: "done",
      data: { status: "succeeded" },
    });
  });

  it("ends every message with a blank line, one data line per message", () => {
    const message = batchStreamMessage("analysis", event);
    expect(message.endsWith("\n\n")).toBe(true);
    expect(message.split("\n").filter((l) => l.startsWith("data: "))).toHaveLength(1);
  });

  it("skips events it does not know, analysis events that do not parse, and data that is not JSON", () => {
    expect(parseBatchStreamEvent("progress", JSON.stringify(event))).toBeNull();
    expect(parseBatchStreamEvent("analysis", JSON.stringify({ ...event, status: "exploded" }))).toBeNull();
    expect(parseBatchStreamEvent("snapshot", "{not json")).toBeNull();
  });
});
