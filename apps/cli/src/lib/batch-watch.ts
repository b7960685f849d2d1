import { isFinalStatus, parseBatchStreamEvent, type AnalysisStatus, type BatchDto } from "@threatline/domain";
import { explainError, type ApiClient } from "./api-client.ts";

/** How far a batch has got: finished analyses out of all, and the count by status. */
export interface BatchProgress {
  done: number;
  total: number;
  counts: Partial<Record<AnalysisStatus, number>>;
}

export interface WatchOptions {
  /** Give up after this long (ms) with a WaitTimeoutError; the analyses go on on the server. */
  timeoutMs: number;
  /** Time between polls once polling (ms). */
  pollMs: number;
  /**
   * Longest silence tolerated on the live stream (ms). The API sends a heartbeat every 15 s, so a stream quiet
   * for longer is stuck (often a proxy buffering it) and polling takes over.
   */
  idleMs: number;
  onProgress(progress: BatchProgress): void;
  /** Says, once, why the live stream was given up for polling. */
  onFallback(reason: string): void;
}

/** The wait ran out before every analysis was final. */
export class WaitTimeoutError extends Error {
  override readonly name = "WaitTimeoutError";
  constructor(
    readonly batchId: string,
    readonly progress: BatchProgress,
    readonly seconds: number,
  ) {
    super(
      `Gave up waiting for batch ${batchId} after ${seconds} s: ${progress.done} of ${progress.total} analyses finished. ` +
        "They go on on the server: see the batch in the web UI, or run `threatline export --batch " +
        `${batchId}` +
        "` once it is done. Wait longer with --timeout SECONDS.",
    );
  }
}

/** A stream failure after which polling takes over. */
class StreamUnusable extends Error {}

function progressOf(statuses: ReadonlyMap<string, AnalysisStatus>): BatchProgress {
  const counts: BatchProgress["counts"] = {};
  let done = 0;
  for (const status of statuses.values()) {
    counts[status] = (counts[status] ?? 0) + 1;
    if (isFinalStatus(status)) done += 1;
  }
  return { done, total: statuses.size, counts };
}

function batchProgress(batch: BatchDto): BatchProgress {
  return progressOf(new Map(batch.analyses.map((a) => [a.id, a.status])));
}

/** One Server-Sent Event: its name (`message` when unnamed) and its data lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Reads Server-Sent Events off a byte stream (the parts of the format the API uses: `event:`, `data:`, comment
 * heartbeats, blank-line dispatch, any line ending). `onBytes` hears of every chunk, heartbeats included.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  onBytes: () => void = () => undefined,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onBytes();
      buffer += decoder.decode(value, { stream: true });
      yield* dispatchLines();
    }
  } finally {
    reader.releaseLock();
  }

  function* dispatchLines(): Generator<SseEvent> {
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      // A CR at the end of what has arrived may be the first half of a CRLF: wait for the next chunk.
      if (end < 0 || (end === buffer.length - 1 && buffer[end] === "\r")) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") {
        if (data.length > 0) yield { event: event || "message", data: data.join("\n") };
        event = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
  }
}

/**
 * Follows the batch's live stream (`GET /batches/:id/events`: a snapshot, an event per status change, `done`
 * with the final batch) and returns the final batch. Returns undefined when the stream cannot be used (refused,
 * cut, stuck, not a stream), so the caller polls instead; `deadline` aborts it.
 */
async function followStream(
  client: ApiClient,
  batchId: string,
  options: WatchOptions,
  deadline: AbortSignal,
): Promise<BatchDto | "unusable"> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  deadline.addEventListener("abort", abort);
  let idle: NodeJS.Timeout | undefined;
  let stuck = false;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stuck = true;
      controller.abort();
    }, options.idleMs);
  };
  try {
    touch();
    const res = await client.stream(`/batches/${encodeURIComponent(batchId)}/events`, controller.signal);
    if (!(res.headers.get("content-type") ?? "").startsWith("text/event-stream") || !res.body)
      throw new StreamUnusable(
        `the server answered ${res.headers.get("content-type") ?? "without a content type"}, not an event stream`,
      );
    const statuses = new Map<string, AnalysisStatus>();
    for await (const message of readSse(res.body, touch)) {
      const received = parseBatchStreamEvent(message.event, message.data);
      if (!received) continue;
      if (received.event === "analysis") statuses.set(received.data.analysisId, received.data.status);
      else for (const a of received.data.analyses) statuses.set(a.id, a.status);
      options.onProgress(progressOf(statuses));
      if (received.event === "done") return received.data;
    }
    throw new StreamUnusable("the stream ended before the batch was done");
  } catch (error) {
    if (deadline.aborted) throw error;
    const reason = stuck ? `no data for ${Math.round(options.idleMs / 1000)} s` : explainError(error).split("\n")[0]!;
    options.onFallback(reason);
    return "unusable";
  } finally {
    clearTimeout(idle);
    deadline.removeEventListener("abort", abort);
    controller.abort();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/**
 * Waits until every analysis of a batch is final and returns the batch: live over the API's event stream, or
 * by polling `GET /batches/:id` when the stream fails (an old server, a proxy that buffers or cuts it).
 * Throws WaitTimeoutError when `timeoutMs` runs out first.
 */
export async function watchBatch(
  client: ApiClient,
  batchId: string,
  total: number,
  options: WatchOptions,
): Promise<BatchDto> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  let last: BatchProgress = { done: 0, total, counts: {} };
  const watched: WatchOptions = {
    ...options,
    onProgress(progress) {
      last = progress;
      options.onProgress(progress);
    },
  };
  const timedOut = () => new WaitTimeoutError(batchId, last, Math.round(options.timeoutMs / 1000));
  try {
    let streamed: BatchDto | "unusable";
    try {
      streamed = await followStream(client, batchId, watched, deadline.signal);
    } catch (error) {
      if (deadline.signal.aborted) throw timedOut();
      throw error;
    }
    if (streamed !== "unusable") return streamed;
    for (;;) {
      if (deadline.signal.aborted) throw timedOut();
      let batch: BatchDto;
      try {
        batch = await client.json<BatchDto>(
          "GET",
          `/batches/${encodeURIComponent(batchId)}`,
          undefined,
          deadline.signal,
        );
      } catch (error) {
        if (deadline.signal.aborted) throw timedOut();
        throw error;
      }
      watched.onProgress(batchProgress(batch));
      if (batch.analyses.every((a) => isFinalStatus(a.status))) return batch;
      await sleep(options.pollMs, deadline.signal);
    }
  } finally {
    clearTimeout(timer);
  }
}
