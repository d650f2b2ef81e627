/**
 * Health and back-off of one WASM channel, per callback (`on-poll`, `on-respond`, …): consecutive
 * failures with the last reason, and when the callback may run again. A guest that crashes,
 * hangs, returns malformed records or emits for users it never saw is slowed down exponentially
 * (base × 2^(n−1), capped) and `health()` says why — "on-poll failed 5 times: the channel ran
 * out of time after 30000 ms" — so `/readyz` and `doctor` show it while the host keeps serving.
 * A platform's `retry-after-ms` is honoured as a lower bound. One success clears the record.
 */

export interface BackOffPolicy {
  /** Delay after the first failure. */
  readonly baseMs: number;
  /** Longest delay, however many failures. */
  readonly capMs: number;
  /** Consecutive failures before a callback other than on-poll is refused until its delay passes. */
  readonly refuseAfter: number;
  /** Consecutive failures before health turns bad. */
  readonly unhealthyAfter: number;
}

export const defaultBackOffPolicy: BackOffPolicy = Object.freeze({
  baseMs: 1_000,
  capMs: 5 * 60_000,
  refuseAfter: 5,
  unhealthyAfter: 3,
});

/** The longest `retry-after-ms` honoured (a guest must not park a callback for days). */
const retryAfterCapMs = 60 * 60_000;

interface FailureRecord {
  failures: number;
  reason: string;
  notBefore: number;
}

export interface CallbackHealth {
  /** `retryAfterMs`: the platform's (or the guest's) request to wait at least this long. */
  failed(callback: string, reason: string, nowMillis: number, retryAfterMs?: number): void;
  succeeded(callback: string): void;
  /** How long to wait before the callback may run (0: now). */
  delayFor(callback: string, nowMillis: number): number;
  /** Whether a non-poll callback is refused now (it failed `refuseAfter` times in a row). */
  refused(
    callback: string,
    nowMillis: number,
  ): { failures: number; reason: string; waitMs: number } | undefined;
  health(): { ok: boolean; detail?: string };
  failures(callback: string): number;
}

export function createCallbackHealth(policy: BackOffPolicy = defaultBackOffPolicy): CallbackHealth {
  const records = new Map<string, FailureRecord>();
  const delayAfter = (failures: number) =>
    Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));

  return {
    failed(callback, reason, nowMillis, retryAfterMs) {
      const record = records.get(callback) ?? { failures: 0, reason, notBefore: 0 };
      record.failures += 1;
      record.reason = reason;
      const wait = Math.max(delayAfter(record.failures), Math.min(retryAfterMs ?? 0, retryAfterCapMs));
      record.notBefore = nowMillis + wait;
      records.set(callback, record);
    },
    succeeded(callback) {
      records.delete(callback);
    },
    delayFor(callback, nowMillis) {
      const record = records.get(callback);
      return record ? Math.max(0, record.notBefore - nowMillis) : 0;
    },
    refused(callback, nowMillis) {
      const record = records.get(callback);
      if (!record || record.failures < policy.refuseAfter || record.notBefore <= nowMillis) return undefined;
      return { failures: record.failures, reason: record.reason, waitMs: record.notBefore - nowMillis };
    },
    health() {
      const bad = [...records]
        .filter(([, record]) => record.failures >= policy.unhealthyAfter)
        .map(([callback, record]) => `${callback} failed ${record.failures} times: ${record.reason}`);
      return bad.length === 0 ? { ok: true } : { ok: false, detail: bad.join("; ").slice(0, 500) };
    },
    failures(callback) {
      return records.get(callback)?.failures ?? 0;
    },
  };
}
