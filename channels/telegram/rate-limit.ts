/**
 * Telegram's 429 as an API transformer: Telegram answers with `parameters.retry_after` (seconds);
 * the call is retried after that long, a bounded number of times, through the shared wait
 * (../shared/rate-limit-wait.ts): capped, and cut short when the channel stops or the call's own
 * signal aborts. A refused wait returns the 429 to the caller, which fails the send.
 */
import type { Transformer } from "grammy";
import type { Logger } from "../../src/log.ts";
import { waitForRetry } from "../shared/rate-limit-wait.ts";

export interface TelegramRetryOptions {
  maxRetries: number;
  /** The channel's logger once started. */
  log: () => Logger;
  /** Aborts when the channel stops. */
  stopSignal: () => AbortSignal;
  capMs?: number;
}

export function createRateLimitRetry(options: TelegramRetryOptions): Transformer {
  return async function retryRateLimits(previous, method, payload, signal) {
    for (let attempt = 0; ; attempt++) {
      const result = await previous(method, payload, signal);
      const retryAfter = result.ok ? undefined : result.parameters?.retry_after;
      if (result.ok || result.error_code !== 429 || retryAfter === undefined || attempt >= options.maxRetries)
        return result;
      const stop = options.stopSignal();
      const waitSignal = signal ? AbortSignal.any([stop, signal as unknown as AbortSignal]) : stop;
      const retry = await waitForRetry(retryAfter * 1000, waitSignal, {
        log: options.log(),
        capMs: options.capMs,
        context: { method, attempt: attempt + 1 },
      });
      if (!retry) return result;
    }
  };
}
