/**
 * A sliding-window rate limit: at most `limit` requests in any `windowMs`. It keeps the
 * timestamps of the accepted requests (at most `limit` of them), so the window really slides
 * instead of resetting on a fixed boundary. Refused requests are not recorded: a client that
 * keeps hammering is let in again as soon as its oldest accepted request leaves the window.
 *
 * The clock is injected so tests can move time instead of waiting for it.
 */

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
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
