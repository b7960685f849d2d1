import { describe, expect, it } from "vitest";
import { DatabaseBackoff } from "../src/processors/analyze-template.processor.ts";

describe("the pause while PostgreSQL is down", () => {
  it("doubles per pause, not per job: jobs failing together share the current pause", () => {
    const backoff = new DatabaseBackoff();
    expect(backoff.next(0)).toBe(1_000);
    // Three more jobs of the same worker fail within that second: same pause, not 2, 4, 8 s.
    expect([backoff.next(10), backoff.next(20), backoff.next(500)]).toEqual([990, 980, 500]);
    expect(backoff.next(1_000)).toBe(2_000);
    expect(backoff.next(3_000)).toBe(4_000);
    let at = 7_000;
    for (let i = 0; i < 10; i += 1) at += backoff.next(at);
    expect(backoff.next(at)).toBe(30_000);
    backoff.reset();
    expect(backoff.next(at + 30_000)).toBe(1_000);
  });
});
