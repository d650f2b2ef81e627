/**
 * Waiting out a platform's rate limit (HTTP 429 with a retry-after) the same way on every
 * channel: the wait is cut short when the channel stops (its abort signal), and a wait longer
 * than the cap is not started at all — the call fails at once instead of holding a chat's reply
 * queue (and a graceful shutdown) hostage for minutes. The caller retries only when told to.
 */
import type { LogFields, Logger } from "../../src/log.ts";

/** The longest rate-limit wait a channel accepts unless configured otherwise. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export interface RetryWaitOptions {
  log: Logger;
  /** Waits longer than this are refused (default `MAX_RATE_LIMIT_WAIT_MS`). */
  capMs?: number;
  /** Logged with the decision: the method or route that was limited. */
  context?: LogFields;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (at once if it already has). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Waits `retryAfterMs` and resolves true when the caller should try again; resolves false without
 * waiting when the wait is not a sane number or exceeds the cap, and false early when `signal`
 * aborts (the channel is stopping). Each refusal is logged.
 *
 * @example if (!(await waitForRetry(error.retryAfter, stopSignal, { log }))) throw error;
 */
export async function waitForRetry(
  retryAfterMs: number,
  signal: AbortSignal | undefined,
  options: RetryWaitOptions,
): Promise<boolean> {
  const capMs = options.capMs ?? MAX_RATE_LIMIT_WAIT_MS;
  const fields = { ...options.context, retryAfterMs, capMs };
  if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) {
    options.log.warn("rate limited with an unusable retry-after; not retrying", fields);
    return false;
  }
  if (retryAfterMs > capMs) {
    options.log.warn("rate limited for longer than the cap; failing instead of waiting", fields);
    return false;
  }
  options.log.warn("rate limited; retrying after the platform's retry-after", fields);
  const waited = await sleepUnlessAborted(retryAfterMs, signal);
  if (!waited) options.log.info("stopped waiting out a rate limit: the channel is stopping", fields);
  return waited;
}
