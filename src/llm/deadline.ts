/**
 * One deadline per provider call, covering the whole exchange including a streamed body.
 *
 * Why not just the SDKs' `timeout` option: it stops counting once response headers arrive, so a
 * stream that stalls half-way would hang the turn forever. We abort the request ourselves when
 * the deadline passes, and tell apart our deadline (llm_timeout, transient) from the caller's own
 * AbortSignal (AppError "cancelled": nobody wants an answer any more, so nothing retries it).
 *
 * Both SDKs end a stream *quietly* when it is aborted, so callers of `runWithDeadline` must not
 * trust a stream that ended without its final event; the check after `run` covers that case too.
 */
import { AppError } from "../errors.ts";
import { LlmError, type SdkErrorClasses, toLlmError } from "./errors.ts";

export interface DeadlineOptions {
  provider: string;
  model: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The error classes of the SDK `run` calls, for classifying what it throws (errors.ts). */
  sdkErrors?: SdkErrorClasses;
}

/** A time limit as the owner reads it: "300 ms", "45 s", "2 min". */
export function describeLimit(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

export function cancelledError(provider: string, cause?: unknown): AppError {
  return new AppError("cancelled", `The LLM request was cancelled (${provider})`, { cause });
}

export async function runWithDeadline<T>(
  options: DeadlineOptions,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { provider, model, timeoutMs, signal, sdkErrors } = options;
  if (signal?.aborted) throw cancelledError(provider, signal.reason);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error("deadline exceeded"));
  }, timeoutMs);
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", forwardAbort, { once: true });

  const failure = (cause: unknown): Error => {
    if (timedOut) {
      return new LlmError(
        "llm_timeout",
        `The model provider did not answer within ${describeLimit(timeoutMs)} (${provider}:${model})`,
        { provider, cause },
      );
    }
    if (signal?.aborted) return cancelledError(provider, cause);
    return toLlmError(cause, { provider, model, sdkErrors });
  };

  let result: T;
  try {
    result = await run(controller.signal);
  } catch (error) {
    throw failure(error);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forwardAbort);
  }
  // An aborted stream ends without throwing: the result would be silently truncated.
  if (controller.signal.aborted) throw failure(controller.signal.reason);
  return result;
}
