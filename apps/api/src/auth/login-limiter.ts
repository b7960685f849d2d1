import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
import type { AuthConfig } from "../config.ts";

/** Failed logins per client IP, counted in Redis so every API process shares the count. */
export interface LoginLimiter {
  /** Seconds until the IP may try again, or 0 when it may try now. */
  blockedFor(ip: string): Promise<number>;
  /** Records one failed login from the IP. */
  fail(ip: string): Promise<void>;
}

export function createLoginLimiter(
  redis: Redis,
  prefix: string,
  settings: Pick<AuthConfig, "LOGIN_IP_MAX_FAILURES" | "LOGIN_IP_WINDOW_MINUTES">,
): LoginLimiter {
  const options = {
    points: settings.LOGIN_IP_MAX_FAILURES,
    duration: Math.ceil(settings.LOGIN_IP_WINDOW_MINUTES * 60),
  };
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    keyPrefix: `${prefix}:login-ip`,
    // Redis down: count in this process instead of letting everyone (or no one) in; account lockout still holds.
    insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix: `${prefix}:login-ip` }),
  });
  return {
    async blockedFor(ip) {
      const state = await limiter.get(ip).catch(() => null);
      if (!state || state.consumedPoints < options.points) return 0;
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    },
    async fail(ip) {
      // consume() rejects with a RateLimiterRes once the points are spent: that is expected, not an error.
      await limiter
        .consume(ip)
        .catch((rejection: RateLimiterRes | Error) => (rejection instanceof Error ? undefined : rejection));
    },
  };
}
