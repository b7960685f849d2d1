import { TokenBucket } from "@threatline/bedrock-fake";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUrl, testPrefix } from "../../../test/support.ts";
import { RedisRateLimiter } from "./limiter.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("RedisRateLimiter (a token bucket with the provider's books)", () => {
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(redisUrl());
    b = new Redis(redisUrl());
  });
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it("starts full, admits while the level covers the reservation plus the margin, and says exactly how long to wait", async () => {
    // 60 000 tokens a minute: one token a millisecond, so waits read as token counts.
    const limiter = new RedisRateLimiter(a, {
      prefix: testPrefix(),
      model: "m",
      tpm: 60_000,
      rpm: 0,
      marginTokens: 1_000,
    });
    const first = await limiter.acquire(50_000);
    expect(first).toMatchObject({ admitted: true, tokens: 50_000 });
    const second = await limiter.acquire(20_000);
    expect(second.admitted).toBe(false);
    if (second.admitted) return;
    // Level ≈ 10 000; it needs 20 000 + 1 000 margin: about 11 s at one token a millisecond.
    expect(second.retryAfterMs).toBeGreaterThan(10_900);
    expect(second.retryAfterMs).toBeLessThanOrEqual(11_000);
    // Once the refused caller leaves the line, a smaller call fits in what is left.
    await limiter.cancel(second.id);
    expect((await limiter.acquire(8_000)).admitted).toBe(true);
  });

  it("settling gives back an unused reservation or charges more, down to a negative level", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 60_000, rpm: 0 });
    const call = await limiter.acquire(20_000);
    if (!call.admitted) throw new Error("expected an admission");
    await limiter.settle(call, 5_000);
    expect(await limiter.level()).toBeGreaterThanOrEqual(55_000);
    const expensive = await limiter.acquire(50_000);
    if (!expensive.admitted) throw new Error("expected an admission");
    // The answer cost far more than reserved (input + 5 × output): the level goes below zero, as Bedrock's does.
    await limiter.settle(expensive, 70_000);
    const level = await limiter.level();
    expect(level).toBeLessThan(-14_000);
    expect(level).toBeGreaterThan(-15_500);
    const next = await limiter.acquire(1_000);
    expect(next.admitted).toBe(false);
    if (next.admitted) return;
    expect(Math.abs(next.retryAfterMs - (1_000 - level))).toBeLessThan(200);
    await limiter.cancel(next.id);
  });

  it("keeps refused callers in line: each is told the time at which its turn comes, and is admitted then", async () => {
    // 10 tokens a millisecond.
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 10_000, rpm: 0, windowMs: 1_000 });
    expect((await limiter.acquire(10_000)).admitted).toBe(true);
    const big = await limiter.acquire(3_000);
    const small = await limiter.acquire(1_000);
    expect(big.admitted || small.admitted).toBe(false);
    if (big.admitted || small.admitted) return;
    expect(big.retryAfterMs).toBeGreaterThan(270);
    expect(big.retryAfterMs).toBeLessThanOrEqual(300);
    // The small one fits after the big one, not before it: 400 ms, not 100 ms.
    expect(small.retryAfterMs).toBeGreaterThan(370);
    expect(small.retryAfterMs).toBeLessThanOrEqual(400);
    // Asking again early does not jump the line.
    const early = await limiter.acquire(1_000, small.id);
    expect(early.admitted).toBe(false);
    await sleep(big.retryAfterMs);
    expect((await limiter.acquire(3_000, big.id)).admitted).toBe(true);
    await sleep(Math.max(0, small.retryAfterMs - big.retryAfterMs));
    expect((await limiter.acquire(1_000, small.id)).admitted).toBe(true);
  });

  it("wakes a waiter as soon as another process settles a call with tokens to give back", async () => {
    const prefix = testPrefix();
    // 1 000 tokens a minute: a refill-only wait would be tens of seconds.
    const here = new RedisRateLimiter(a, { prefix, model: "m", tpm: 1_000, rpm: 0 });
    const there = new RedisRateLimiter(b, { prefix, model: "m", tpm: 1_000, rpm: 0 });
    try {
      const call = await there.acquire(1_000);
      if (!call.admitted) throw new Error("expected an admission");
      const refused = await here.acquire(500);
      if (refused.admitted) throw new Error("expected a refusal");
      expect(refused.retryAfterMs).toBeGreaterThan(25_000);
      const started = Date.now();
      const woken = here.waitForRoom(refused.retryAfterMs);
      await sleep(100);
      // The call cost 300 of its 1 000: 700 come back, enough for the waiter.
      await there.settle(call, 300);
      await woken;
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await here.acquire(500, refused.id)).admitted).toBe(true);
    } finally {
      here.close();
      there.close();
    }
  });

  it("drops a waiter that never came back after its grace, so it blocks nobody for long", async () => {
    const limiter = new RedisRateLimiter(a, {
      prefix: testPrefix(),
      model: "m",
      tpm: 10_000,
      rpm: 0,
      windowMs: 1_000,
      graceMs: 50,
    });
    expect((await limiter.acquire(10_000)).admitted).toBe(true);
    const ghost = await limiter.acquire(9_000);
    expect(ghost.admitted).toBe(false);
    if (ghost.admitted) return;
    await sleep(ghost.retryAfterMs + 100);
    // The ghost's 9 000 are not counted ahead of this caller any more.
    expect((await limiter.acquire(9_000)).admitted).toBe(true);
  });

  it("limits requests per window with a second bucket, and gives back the request of a call the provider refused", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 0, rpm: 2, windowMs: 1_000 });
    const one = await limiter.acquire(1);
    if (!one.admitted) throw new Error("expected an admission");
    expect((await limiter.acquire(1)).admitted).toBe(true);
    const third = await limiter.acquire(1);
    expect(third.admitted).toBe(false);
    if (third.admitted) return;
    expect(third.retryAfterMs).toBeGreaterThan(450);
    expect(third.retryAfterMs).toBeLessThanOrEqual(500);
    await limiter.settle(one, 0, { served: false });
    expect((await limiter.acquire(1, third.id)).admitted).toBe(true);
  });

  it("keeps one bucket per model", async () => {
    const prefix = testPrefix();
    const sonnet = new RedisRateLimiter(a, { prefix, model: "sonnet", tpm: 10_000, rpm: 0 });
    const haiku = new RedisRateLimiter(b, { prefix, model: "haiku", tpm: 50_000, rpm: 0 });
    expect((await sonnet.acquire(10_000)).admitted).toBe(true);
    expect((await sonnet.acquire(5_000)).admitted).toBe(false);
    expect((await haiku.acquire(40_000)).admitted).toBe(true);
    expect(await haiku.level()).toBeLessThanOrEqual(10_100);
  });

  it("is a no-op without quotas", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 0, rpm: 0 });
    for (let i = 0; i < 5; i += 1) expect((await limiter.acquire(1e9)).admitted).toBe(true);
  });

  it("several clients on two connections, waiting as told, never make a bucket with the provider's books refuse, and use it", async () => {
    const prefix = testPrefix();
    const windowMs = 1_000;
    const tpm = 20_000;
    // The provider's own bucket (the fake's), fed the same calls: it must never refuse one.
    const provider = new TokenBucket(tpm, windowMs);
    let providerRefusals = 0;
    let waits = 0;
    let billedTotal = 0;
    let calls = 0;
    const client = async (redis: Redis, seed: number) => {
      const limiter = new RedisRateLimiter(redis, {
        prefix,
        model: "shared-model",
        tpm,
        rpm: 0,
        windowMs,
        marginTokens: 200,
      });
      let x = seed;
      const deadline = Date.now() + 2_500;
      const inFlight: Array<Promise<void>> = [];
      while (Date.now() < deadline) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        // The modeler reserves input + 5 × maxTokens; the provider reserves input + maxTokens; the bill,
        // input + 5 × output, lies anywhere between the provider's reservation and ours.
        const input = 200 + (x % 1_500);
        const maxTokens = 500;
        const reserve = input + 5 * maxTokens;
        let admission = await limiter.acquire(reserve);
        while (!admission.admitted) {
          waits += 1;
          await sleep(admission.retryAfterMs);
          admission = await limiter.acquire(reserve, admission.id);
        }
        const providerReserve = input + maxTokens;
        if (!provider.tryTake(providerReserve)) providerRefusals += 1;
        calls += 1;
        const granted = admission;
        const billed = input + 5 * Math.floor((maxTokens * (x % 101)) / 100);
        billedTotal += billed;
        inFlight.push(
          sleep(5 + (x % 40)).then(async () => {
            // The provider settles first; the limiter hears of it a moment later.
            provider.adjust(providerReserve - billed);
            await sleep(1);
            await limiter.settle(granted, billed);
          }),
        );
      }
      await Promise.all(inFlight);
    };
    const started = Date.now();
    await Promise.all([client(a, 1), client(b, 2), client(a, 3), client(b, 4), client(a, 5), client(b, 6)]);
    const elapsed = Date.now() - started;

    expect(calls).toBeGreaterThan(20);
    expect(waits).toBeGreaterThan(0);
    expect(providerRefusals).toBe(0);
    // Nothing more than the bucket allows went through, and most of what it allows did.
    const allowed = tpm + (tpm * elapsed) / windowMs;
    expect(billedTotal).toBeLessThanOrEqual(allowed);
    expect(billedTotal).toBeGreaterThan(allowed * 0.75);
  });
});
