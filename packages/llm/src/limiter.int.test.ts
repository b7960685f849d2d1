import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUrl, testPrefix } from "../../../test/support.ts";
import { RedisRateLimiter } from "./limiter.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("RedisRateLimiter", () => {
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

  it("admits up to the quota, then says how long to wait, and settling frees room", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 10_000, rpm: 0, windowMs: 5_000 });
    const first = await limiter.acquire(6_000);
    expect(first.admitted).toBe(true);
    const second = await limiter.acquire(6_000);
    expect(second.admitted).toBe(false);
    if (second.admitted) return;
    expect(second.retryAfterMs).toBeGreaterThan(0);
    expect(second.retryAfterMs).toBeLessThanOrEqual(5_001);
    if (!first.admitted) return;
    await limiter.settle(first.id, 2_000);
    expect(await limiter.used()).toBe(2_000);
    expect((await limiter.acquire(6_000)).admitted).toBe(true);
    expect(await limiter.used()).toBe(8_000);
  });

  it("suggests a short poll while reservations are in flight, and the expiry once all are settled", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 10_000, rpm: 0, windowMs: 30_000, pollMs: 400 });
    const first = await limiter.acquire(9_000);
    expect(first.admitted).toBe(true);
    const polled = await limiter.acquire(5_000);
    expect(polled.admitted).toBe(false);
    if (polled.admitted || !first.admitted) return;
    expect(polled.retryAfterMs).toBe(400);
    await limiter.settle(first.id, 8_000);
    const expiring = await limiter.acquire(5_000);
    expect(expiring.admitted).toBe(false);
    if (expiring.admitted) return;
    expect(expiring.retryAfterMs).toBeGreaterThan(20_000);
  });

  it("limits requests per window", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 0, rpm: 2, windowMs: 5_000 });
    expect((await limiter.acquire(1)).admitted).toBe(true);
    expect((await limiter.acquire(1)).admitted).toBe(true);
    const third = await limiter.acquire(1);
    expect(third.admitted).toBe(false);
  });

  it("is a no-op without quotas", async () => {
    const limiter = new RedisRateLimiter(a, { prefix: testPrefix(), model: "m", tpm: 0, rpm: 0 });
    for (let i = 0; i < 5; i += 1) expect((await limiter.acquire(1e9)).admitted).toBe(true);
  });

  it("two instances on two connections sharing one Redis never exceed the quota in any window", async () => {
    const prefix = testPrefix();
    const windowMs = 1_000;
    const tpm = 20_000;
    const grants: Array<{ at: number; tokens: number }> = [];
    let refusals = 0;
    const worker = async (redis: Redis, seed: number) => {
      const limiter = new RedisRateLimiter(redis, { prefix, model: "shared-model", tpm, rpm: 0, windowMs });
      let x = seed;
      const deadline = Date.now() + 3_500;
      const inFlight: Array<Promise<void>> = [];
      while (Date.now() < deadline) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        const reserve = 1_000 + (x % 5_000);
        const admission = await limiter.acquire(reserve);
        if (!admission.admitted) {
          refusals += 1;
          await sleep(Math.min(admission.retryAfterMs, 50));
          continue;
        }
        const grant = { at: admission.at, tokens: admission.tokens };
        grants.push(grant);
        // The call costs less than reserved, settled a little later, as a real call would.
        inFlight.push(
          sleep(5 + (x % 20)).then(async () => {
            grant.tokens = Math.ceil(reserve * (0.3 + (x % 60) / 100));
            await limiter.settle(admission.id, grant.tokens);
          }),
        );
      }
      await Promise.all(inFlight);
    };
    await Promise.all([worker(a, 1), worker(b, 2), worker(a, 3), worker(b, 4)]);

    expect(grants.length).toBeGreaterThan(20);
    expect(refusals).toBeGreaterThan(0);
    grants.sort((p, q) => p.at - q.at);
    let worst = 0;
    for (const g of grants) {
      const inWindow = grants.filter((h) => h.at > g.at - windowMs && h.at <= g.at).reduce((s, h) => s + h.tokens, 0);
      worst = Math.max(worst, inWindow);
    }
    expect(worst).toBeLessThanOrEqual(tpm);
    // And it really used the quota rather than refusing everything.
    expect(worst).toBeGreaterThan(tpm * 0.5);
  });
});
