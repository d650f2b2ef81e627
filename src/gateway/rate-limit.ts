/**
 * A sliding-window rate limit: at most `limit` requests in any `windowMs`. It keeps the
 * timestamps of the accepted requests (at most `limit` of them), so the window really slides
 * instead of resetting on a fixed boundary. Refused requests are not recorded: a client that
 * keeps hammering is let in again as soon as its oldest accepted request leaves the window.
 *
 * The clock is injected so tests can move time instead of waiting for it. The limit itself is
 * configuration: GATEWAY_RATE_LIMIT, `<count>/<window>` such as "30/60s" (`parseRateLimit`).
 */
import { parseDuration } from "../config-parse.ts";

/** A parsed GATEWAY_RATE_LIMIT: at most `limit` requests in any `windowMs`. */
export interface RateLimitSpec {
  limit: number;
  windowMs: number;
}

const rateLimitExample = 'must be <count>/<window>, e.g. "30/60s" or "100/1h"';

/** "30/60s" → 30 requests per 60 000 ms. Throws a message for the config error otherwise. */
export function parseRateLimit(raw: string): RateLimitSpec {
  const match = /^(\d+)\s*\/\s*(\S+)$/.exec(raw.trim());
  if (!match) throw new Error(rateLimitExample);
  const limit = Number(match[1]);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1_000_000) {
    throw new Error(`${rateLimitExample}; the count must be from 1 to 1000000`);
  }
  let windowMs: number;
  try {
    windowMs = parseDuration(match[2] as string);
  } catch {
    throw new Error(`${rateLimitExample}; the window must be a duration such as "60s" or "1h"`);
  }
  return { limit, windowMs };
}

export interface RateLimitOptions extends RateLimitSpec {
  now?: () => number;
}

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Records a request if it fits in the window. */
  take(): RateLimitVerdict;
}

export function createSlidingWindowLimiter(options: RateLimitOptions): RateLimiter {
  const { limit, windowMs } = options;
  const now = options.now ?? Date.now;
  if (limit < 1 || windowMs <= 0)
    throw new Error("createSlidingWindowLimiter: limit and window must be positive");
  // Accepted request times, oldest first.
  const accepted: number[] = [];

  return {
    take() {
      const current = now();
      while (accepted.length > 0 && (accepted[0] as number) <= current - windowMs) accepted.shift();
      if (accepted.length < limit) {
        accepted.push(current);
        return { allowed: true };
      }
      const oldest = accepted[0] as number;
      const waitMs = oldest + windowMs - current;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
  };
}
