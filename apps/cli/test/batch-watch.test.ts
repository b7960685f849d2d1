import { describe, expect, it } from "vitest";
import { readSse, type SseEvent } from "../src/lib/batch-watch.ts";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<{ events: SseEvent[]; chunks: number }> {
  const events: SseEvent[] = [];
  let seen = 0;
  for await (const event of readSse(streamOf(chunks), () => (seen += 1))) events.push(event);
  return { events, chunks: seen };
}

describe("readSse", () => {
  it("reads named events, joins data lines, skips heartbeats, whatever the chunking and line ends", async () => {
    const text =
      ': keep-alive\n\nevent: snapshot\ndata: {"a":1}\n\nevent: analysis\r\ndata: line one\r\ndata: line two\r\n\r\ndata:plain\r\r: bye\n\n';
    const whole = await collect([text]);
    expect(whole.events).toEqual([
      { event: "snapshot", data: '{"a":1}' },
      { event: "analysis", data: "line one\nline two" },
      { event: "message", data: "plain" },
    ]);
    // Byte by byte: a CRLF split across chunks is one line end, not two.
    const split = await collect([...text]);
    expect(split.events).toEqual(whole.events);
    expect(split.chunks).toBe(text.length);
  });

  it("keeps multi-byte characters split across chunks whole", async () => {
    const bytes = new TextEncoder().encode("data: Käufer\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(new Uint8Array([b]));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    for await (const e of readSse(stream)) events.push(e);
    expect(events).toEqual([{ event: "message", data: "Käufer" }]);
  });
});
