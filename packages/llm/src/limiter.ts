import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A sliding-window log in Redis, one per model, shared by every worker process. Each admitted call is an
 * entry (time, tokens); a call is admitted when the entries of the last window plus its reservation stay
 * within the quota, so no window of that length ever holds more than `tpm` tokens or `rpm` requests.
 * Settling rewrites an entry's tokens to what the call really cost. Time comes from Redis (`TIME`), so
 * clocks of different machines do not matter.
 *
 * Reservations not settled yet are also kept in a set: while some are in flight, a refused call is told to
 * come back after `pollMs` rather than when the oldest entries expire, because settling usually gives most
 * of a reservation back long before that.
 *
 * KEYS: 1 entries (zset id → admitted at), 2 amounts (hash id → tokens), 3 sum of amounts, 4 requests (zset),
 * 5 unsettled (set of ids)
 * ARGV: 1 op (acquire | settle), 2 id, 3 tokens, 4 tpm, 5 rpm, 6 window ms, 7 poll ms
 * Returns { admitted (1/0), wait ms, tokens in window, Redis time ms }.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[6])
local horizon = now - window
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', horizon)
local freed = 0
for _, id in ipairs(expired) do
  local a = redis.call('HGET', KEYS[2], id)
  if a then freed = freed + tonumber(a) end
  redis.call('HDEL', KEYS[2], id)
  redis.call('SREM', KEYS[5], id)
end
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon)
  redis.call('DECRBY', KEYS[3], freed)
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', horizon)
local sum = tonumber(redis.call('GET', KEYS[3]) or '0')
local amount = tonumber(ARGV[3])

if ARGV[1] == 'settle' then
  local old = redis.call('HGET', KEYS[2], ARGV[2])
  redis.call('SREM', KEYS[5], ARGV[2])
  if old then
    redis.call('HSET', KEYS[2], ARGV[2], amount)
    sum = redis.call('INCRBY', KEYS[3], amount - tonumber(old))
  end
  return {1, 0, sum, now}
end

local tpm = tonumber(ARGV[4])
local rpm = tonumber(ARGV[5])
if tpm > 0 and amount > tpm then amount = tpm end
local wait = 0
if rpm > 0 then
  local n = redis.call('ZCARD', KEYS[4])
  if n >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[4], n - rpm, n - rpm, 'WITHSCORES')
    wait = tonumber(oldest[2]) + window - now + 1
  end
end
if tpm > 0 and sum + amount > tpm then
  local need = sum + amount - tpm
  local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  local released = 0
  local tokensWait = window
  for i = 1, #entries, 2 do
    released = released + tonumber(redis.call('HGET', KEYS[2], entries[i]) or '0')
    if released >= need then
      tokensWait = tonumber(entries[i + 1]) + window - now + 1
      break
    end
  end
  local poll = tonumber(ARGV[7])
  if poll > 0 and tokensWait > poll and redis.call('SCARD', KEYS[5]) > 0 then tokensWait = poll end
  if tokensWait > wait then wait = tokensWait end
end
if wait > 0 then return {0, wait, sum, now} end

redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], amount)
sum = redis.call('INCRBY', KEYS[3], amount)
redis.call('ZADD', KEYS[4], now, ARGV[2])
redis.call('SADD', KEYS[5], ARGV[2])
for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], window * 2) end
return {1, 0, sum, now}
`;

type LimiterRedis = Redis & {
  threatlineLimiter(k1: string, k2: string, k3: string, k4: string, k5: string, op: string, id: string, tokens: number, tpm: number, rpm: number, windowMs: number, pollMs: number): Promise<[number, number, number, number]>;
};

export interface RateLimiterOptions {
  /** Key prefix, shared by every process of one deployment (tests use their own). */
  prefix: string;
  model: string;
  /** Tokens per window; 0 = no token limit. */
  tpm: number;
  /** Requests per window; 0 = no request limit. */
  rpm: number;
  /** 60 000 ms in production; shorter only to run benchmarks and tests in scaled time. */
  windowMs?: number;
  /** Longest wait suggested while reservations are in flight (default 1 000 ms, about a short call). */
  pollMs?: number;
}

/** `at` is the Redis clock at admission, in ms: the time the window counts the tokens at. */
export type Admission = { admitted: true; id: string; tokens: number; at: number } | { admitted: false; retryAfterMs: number };

/**
 * The shared quota of one model: reserve before a call, settle after it. Never sleeps: when there is no
 * capacity it says how long to wait, and the caller (a BullMQ job) gives the slot back to the queue.
 */
export class RedisRateLimiter {
  private readonly redis: LimiterRedis;
  private readonly keys: [string, string, string, string, string];
  private readonly pollMs: number;
  readonly windowMs: number;

  constructor(
    redis: Redis,
    readonly options: RateLimiterOptions,
  ) {
    if (!("threatlineLimiter" in redis)) redis.defineCommand("threatlineLimiter", { numberOfKeys: 5, lua: SCRIPT });
    this.redis = redis as LimiterRedis;
    this.windowMs = options.windowMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    // One hash tag per model keeps the four keys on one Redis Cluster slot.
    const base = `${options.prefix}:llm-limit:{${options.model}}`;
    this.keys = [`${base}:entries`, `${base}:amounts`, `${base}:sum`, `${base}:requests`, `${base}:unsettled`];
  }

  get enabled(): boolean {
    return this.options.tpm > 0 || this.options.rpm > 0;
  }

  /** Reserves `tokens` (and one request) now, or says how long until there is room. */
  async acquire(tokens: number): Promise<Admission> {
    const id = randomUUID();
    if (!this.enabled) return { admitted: true, id, tokens, at: Date.now() };
    const [admitted, wait, , at] = await this.redis.threatlineLimiter(...this.keys, "acquire", id, Math.ceil(tokens), this.options.tpm, this.options.rpm, this.windowMs, this.pollMs);
    return admitted === 1 ? { admitted: true, id, tokens: Math.min(Math.ceil(tokens), this.options.tpm || Infinity), at } : { admitted: false, retryAfterMs: Math.max(1, wait) };
  }

  /** Replaces a reservation by what the call really cost (0 when the provider served nothing). */
  async settle(id: string, tokens: number): Promise<void> {
    if (!this.enabled) return;
    await this.redis.threatlineLimiter(...this.keys, "settle", id, Math.max(0, Math.ceil(tokens)), this.options.tpm, this.options.rpm, this.windowMs, this.pollMs);
  }

  /** Tokens currently counted in the window (after expiring old entries). */
  async used(): Promise<number> {
    const [, , sum] = await this.redis.threatlineLimiter(...this.keys, "settle", "-", 0, this.options.tpm, this.options.rpm, this.windowMs, this.pollMs);
    return sum;
  }
}
