/**
 * Retries transient LLM failures with exponential backoff: 1 s × 2^attempt, ±25 % jitter (so
 * many clients that failed together do not come back together), never less than 100 ms. A 429's
 * Retry-After is honoured: we wait at least that long.
 *
 * Not retried, by design:
 * - non-transient errors (bad key, missing model, prompt too long): resending cannot help;
 * - llm_circuit_open: the breaker is resting the provider for 30 s, so waiting a few seconds and
 *   asking again only delays failover to the next provider;
 * - a 429 asking us to wait longer than `maxRetryAfterMs`: a chat turn should not sit silent for
 *   minutes, failover moves on instead;
 * - any failure after text deltas already reached the caller: a retry would stream the start of
 *   the answer a second time. The error is surfaced; the caller knows what it already showed;
 * - a request whose own AbortSignal fired (the caller no longer wants the answer);
 * - an llm_timeout when another backend is waiting (`retryTimeouts: false`): a provider that
 *   hung for a whole LLM_TIMEOUT will likely hang again, and the next backend should get that
 *   time instead. The last backend in the chain does retry timeouts, within LLM_CALL_BUDGET.
 *
 * The error that ends the loop carries `attempts`, so the owner can be told how often we tried.
 */
import type { Logger } from "../log.ts";
import { cancelledError } from "./deadline.ts";
import { trackTextDeltas } from "./delta-tracker.ts";
import { isLlmError } from "./errors.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "./types.ts";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions {
  /** Extra attempts after the first (default 3). */
  maxRetries?: number;
  baseDelayMs?: number;
  /** Fraction of the delay added or removed at random (default 0.25). */
  jitter?: number;
  minDelayMs?: number;
  /** Longest Retry-After we are willing to wait for (default 60 s). */
  maxRetryAfterMs?: number;
  sleep?: Sleep;
  /** Returns [0, 1), like Math.random; injectable so tests can pin the jitter. */
  random?: () => number;
  log?: Logger;
  /** Resend after an llm_timeout (default true); false when failover has a next backend. */
  retryTimeouts?: boolean;
}

export const sleepUnlessAborted: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError("retry", signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError("retry", signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** The backoff before retry number `attempt` (0-based): base × 2^attempt, jittered, floored. */
export function computeBackoffMs(attempt: number, random: () => number, options: RetryOptions = {}): number {
  const base = (options.baseDelayMs ?? 1000) * 2 ** attempt;
  const jitter = options.jitter ?? 0.25;
  const factor = 1 + (random() * 2 - 1) * jitter;
  return Math.max(options.minDelayMs ?? 100, Math.round(base * factor));
}

export function withRetry(client: LlmClient, options: RetryOptions = {}): LlmClient {
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const sleep = options.sleep ?? sleepUnlessAborted;
  const random = options.random ?? Math.random;
  const retryTimeouts = options.retryTimeouts ?? true;

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    for (let attempt = 0; ; attempt++) {
      const tracked = trackTextDeltas(request);
      try {
        return await client.chat(tracked.request);
      } catch (error) {
        if (!isLlmError(error)) throw error;
        error.attempts = attempt + 1;
        const retryable =
          error.transient &&
          error.code !== "llm_circuit_open" &&
          (retryTimeouts || error.code !== "llm_timeout") &&
          attempt < maxRetries &&
          !tracked.streamed() &&
          !request.signal?.aborted;
        if (!retryable) throw error;
        const backoff = computeBackoffMs(attempt, random, options);
        const retryAfter = error.code === "llm_rate_limited" ? error.retryAfterMs : undefined;
        if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) throw error;
        const delay = Math.max(backoff, retryAfter ?? 0);
        options.log?.debug("llm retry", {
          client: client.label,
          code: error.code,
          attempt: attempt + 1,
          delayMs: delay,
        });
        await sleep(delay, request.signal);
      }
    }
  }

  return { label: client.label, chat };
}
