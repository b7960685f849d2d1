import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A token bucket in Redis, one per model, shared by every worker process, that keeps the same books as the
 * provider's own quota (Bedrock's, and packages/bedrock-fake's): the bucket starts full at `tpm`, refills
 * continuously at `tpm` per window, admits a call while the level covers its reservation (input + maxTokens)
 * and takes the reservation; settling replaces it with what the provider billed (input + k·output), so the
 * level may go below zero after expensive answers, exactly as the provider's does. Because the books match,
 * the limiter can run the provider at its edge: it refuses what the provider would refuse, plus a small
 * margin for the few milliseconds in which the two differ (a settlement the provider made and we have not
 * heard of yet).
 *
 * A refused caller is told the exact time until the level will cover its reservation and that of every
 * caller refused before it (a FIFO waiting list in Redis), so waiters wake one after the other instead of
 * polling, and a large call is not starved by small ones. That time counts the refill only; a settlement that
 * gives tokens back is published, so waiters can ask again at once (`waitForRoom`). A waiter that stops asking
 * (a dead process) drops off the list `graceMs` after the time it was told.
 *
 * Requests per minute, when set, are a second bucket of `rpm` with the same rules. Time comes from Redis
 * (`TIME`), so the clocks of different machines do not matter.
 *
 * KEYS: 1 state (hash: level, rlevel, ts), 2 waiters (zset id → first refusal ms), 3 waiter reservations
 * (hash), 4 waiter deadlines (hash)
 * ARGV: 1 op (acquire | settle | cancel | peek), 2 id, 3 tokens (acquire: reservation; settle: tokens given
 * back, negative to charge more), 4 tpm, 5 rpm, 6 window ms, 7 margin tokens, 8 grace ms, 9 requests given
 * back (settle), 10 channel told of every settlement that gave tokens back
 * Returns { admitted (1/0), wait ms, level (tokens, floored), Redis time ms }.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cap = tonumber(ARGV[4])
local rcap = tonumber(ARGV[5])
local window = tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'level', 'rlevel', 'ts')
local level = tonumber(s[1]) or cap
local rlevel = tonumber(s[2]) or rcap
local ts = tonumber(s[3]) or now
local dt = now - ts
if dt < 0 then dt = 0 end
if cap > 0 then level = math.min(cap, level + dt * cap / window) end
if rcap > 0 then rlevel = math.min(rcap, rlevel + dt * rcap / window) end

local function save()
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'rlevel', tostring(rlevel), 'ts', tostring(now))
  -- Once the bucket would be full again, a missing key means exactly that.
  local ttl = window
  if cap > 0 and level < cap then ttl = ttl + math.ceil((cap - level) * window / cap) end
  if rcap > 0 and rlevel < rcap then ttl = ttl + math.ceil((rcap - rlevel) * window / rcap) end
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
local function leave(id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
end

local op = ARGV[1]
local id = ARGV[2]
local amount = tonumber(ARGV[3])
if op == 'peek' then
  return {1, 0, math.floor(level), math.floor(now)}
end
if op == 'cancel' then
  leave(id)
  return {1, 0, math.floor(level), math.floor(now)}
end
if op == 'settle' then
  if cap > 0 then level = math.min(cap, level + amount) end
  if rcap > 0 then rlevel = math.min(rcap, rlevel + tonumber(ARGV[9])) end
  save()
  if amount > 0 or tonumber(ARGV[9]) > 0 then redis.call('PUBLISH', ARGV[10], '1') end
  return {1, 0, math.floor(level), math.floor(now)}
end

-- acquire: drop waiters that stopped asking, then count the reservations of those refused before this one.
local deadlines = redis.call('HGETALL', KEYS[4])
for i = 1, #deadlines, 2 do
  if tonumber(deadlines[i + 1]) < now then leave(deadlines[i]) end
end
local ahead = 0
local aheadN = 0
local queued = false
local list = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, other in ipairs(list) do
  if other == id then
    queued = true
    break
  end
  ahead = ahead + tonumber(redis.call('HGET', KEYS[3], other) or '0')
  aheadN = aheadN + 1
end

local margin = tonumber(ARGV[7])
local wait = 0
if cap > 0 then
  local need = math.min(ahead + math.min(amount, cap) + margin, cap)
  if level < need then wait = (need - level) * window / cap end
end
if rcap > 0 then
  local rneed = math.min(aheadN + 1, rcap)
  if rlevel < rneed then
    local w = (rneed - rlevel) * window / rcap
    if w > wait then wait = w end
  end
end

if wait <= 0 then
  if cap > 0 then level = level - amount end
  if rcap > 0 then rlevel = rlevel - 1 end
  leave(id)
  save()
  return {1, 0, math.floor(level), math.floor(now)}
end
wait = math.ceil(wait)
if not queued then redis.call('ZADD', KEYS[2], now, id) end
redis.call('HSET', KEYS[3], id, amount)
redis.call('HSET', KEYS[4], id, tostring(now + wait + tonumber(ARGV[8])))
save()
return {0, wait, math.floor(level), math.floor(now)}
`;

type LimiterRedis = Redis & {
  threatlineBucket(
    k1: string,
    k2: string,
    k3: string,
    k4: string,
    op: string,
    id: string,
    tokens: number,
    tpm: number,
    rpm: number,
    windowMs: number,
    margin: number,
    graceMs: number,
    requests: number,
    channel: string,
  ): Promise<[number, number, number, number]>;
};

export interface RateLimiterOptions {
  /** Key prefix, shared by every process of one deployment (tests use their own). */
  prefix: string;
  model: string;
  /** The provider's token quota per window (its bucket's size and refill); 0 = no token limit. */
  tpm: number;
  /** Requests per window; 0 = no request limit. */
  rpm: number;
  /** 60 000 ms in production; shorter only to run benchmarks and tests in scaled time. */
  windowMs?: number;
  /**
   * Tokens kept in the bucket beyond a call's reservation before it is admitted, for the moments when the
   * provider has settled a call and we have not (default 0). Costs no throughput: the refill rate is the same.
   */
  marginTokens?: number;
  /** How long after its promised time a waiter that did not come back is dropped from the list (default 3 000 ms). */
  graceMs?: number;
}

/** `at` is the Redis clock at admission, in ms; `level` the bucket's level after it. */
export type Admission =
  | { admitted: true; id: string; tokens: number; at: number; level: number }
  | { admitted: false; id: string; retryAfterMs: number; level: number };

/**
 * The shared quota of one model: reserve before a call, settle after it. Never sleeps: when there is no
 * capacity it says exactly how long to wait; the caller decides whether to wait (same `id`, to keep its place
 * in line) or to give up (`cancel`).
 */
export class RedisRateLimiter {
  private readonly redis: LimiterRedis;
  private readonly keys: [string, string, string, string];
  private readonly channel: string;
  private subscriber: Redis | undefined;
  private readonly wakers = new Set<() => void>();
  readonly windowMs: number;
  private readonly marginTokens: number;
  private readonly graceMs: number;

  constructor(
    redis: Redis,
    readonly options: RateLimiterOptions,
  ) {
    if (!("threatlineBucket" in redis)) redis.defineCommand("threatlineBucket", { numberOfKeys: 4, lua: SCRIPT });
    this.redis = redis as LimiterRedis;
    this.windowMs = options.windowMs ?? 60_000;
    this.marginTokens = Math.max(0, Math.ceil(options.marginTokens ?? 0));
    this.graceMs = options.graceMs ?? 3_000;
    // One hash tag per model keeps the keys on one Redis Cluster slot.
    const base = `${options.prefix}:llm-bucket:{${options.model}}`;
    this.keys = [`${base}:state`, `${base}:waiters`, `${base}:reserved`, `${base}:deadlines`];
    this.channel = `${base}:settled`;
  }

  get enabled(): boolean {
    return this.options.tpm > 0 || this.options.rpm > 0;
  }

  private run(op: string, id: string, tokens: number, requests = 0): Promise<[number, number, number, number]> {
    return this.redis.threatlineBucket(
      ...this.keys,
      op,
      id,
      tokens,
      this.options.tpm,
      this.options.rpm,
      this.windowMs,
      this.marginTokens,
      this.graceMs,
      requests,
      this.channel,
    );
  }

  /**
   * Sleeps until `ms` have passed or, sooner, until some process settles a call with tokens to give back (the
   * time a refused caller was told counts the refill only). Subscribes on first use, on a connection of its own.
   */
  async waitForRoom(ms: number): Promise<void> {
    if (!this.subscriber) {
      const subscriber = this.redis.duplicate();
      this.subscriber = subscriber;
      subscriber.on("error", () => undefined);
      subscriber.on("message", () => {
        const wake = [...this.wakers];
        this.wakers.clear();
        for (const w of wake) w();
      });
      await subscriber.subscribe(this.channel).catch(() => undefined);
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /** Closes the subscription `waitForRoom` opened. */
  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    for (const w of [...this.wakers]) w();
  }

  /**
   * Takes `tokens` (and one request) from the bucket now, or says how long until the level will cover them and
   * the reservations of earlier waiters. Pass the `id` of a refused admission to keep its place in line.
   */
  async acquire(tokens: number, id: string = randomUUID()): Promise<Admission> {
    const amount = Math.max(0, Math.ceil(tokens));
    if (!this.enabled) return { admitted: true, id, tokens: amount, at: Date.now(), level: Infinity };
    const [admitted, wait, level, at] = await this.run("acquire", id, amount);
    return admitted === 1
      ? { admitted: true, id, tokens: amount, at, level }
      : { admitted: false, id, retryAfterMs: Math.max(1, wait), level };
  }

  /**
   * Replaces an admission's reservation by what the provider billed for it: input + k·output, or 0 when it
   * served nothing (a 429 or a refused request, whose request is given back too).
   */
  async settle(admission: { tokens: number }, billedTokens: number, options: { served?: boolean } = {}): Promise<void> {
    if (!this.enabled) return;
    const served = options.served ?? true;
    await this.run("settle", "-", admission.tokens - Math.max(0, Math.ceil(billedTokens)), served ? 0 : 1);
  }

  /** Leaves the waiting list (a refused caller that will not come back). */
  async cancel(id: string): Promise<void> {
    if (!this.enabled) return;
    await this.run("cancel", id, 0);
  }

  /** The bucket's level now, in tokens (negative after answers that cost more than reserved). */
  async level(): Promise<number> {
    if (!this.enabled) return Infinity;
    const [, , level] = await this.run("peek", "-", 0);
    return level;
  }
}
