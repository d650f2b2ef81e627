/**
 * How a sandbox Worker turns what an export did into an outcome for the host, before anything
 * crosses the thread boundary: a tool's result must be a string within `resultChars`; a
 * channel's records may be any WIT value, but no larger than the same cap (counted as the
 * characters and bytes they hold), so a guest cannot hand the host 100 MB through a return value.
 * Failure messages name the guest as the host calls it ("the channel ran out of time after …").
 */
import type { CallOutcome, FailureReason, WorkerLimits } from "./protocol.ts";

export interface FailureContext {
  readonly limits: WorkerLimits;
  /** How long the call was allowed to run. */
  readonly allowedMs: number;
}

export function failureMessage(reason: FailureReason, error: unknown, context: FailureContext): string {
  const subject = context.limits.subject ?? "tool";
  switch (reason) {
    case "timeout":
      return `the ${subject} ran out of time after ${Math.round(context.allowedMs)} ms`;
    case "cancelled":
      return "the call was cancelled";
    case "memory":
      return `the ${subject} ran out of memory (its cap is ${context.limits.memoryMiB} MiB)`;
    default: {
      const detail = (error instanceof Error ? error.message : String(error)).replace(
        / \(evaluating .*\)$/,
        "",
      );
      const hint = /unreachable/i.test(detail)
        ? " (an uncaught exception or a result of the wrong type)"
        : "";
      return `the ${subject} crashed: ${detail}${hint}`.slice(0, 500);
    }
  }
}

export function textOutcome(kind: "ok" | "error", value: unknown, limits: WorkerLimits): CallOutcome {
  const subject = limits.subject ?? "tool";
  if (typeof value !== "string") {
    return {
      kind: "failed",
      reason: "invalid",
      message: `the ${subject} returned ${typeof value} instead of a string`,
    };
  }
  if (value.length > limits.resultChars) {
    return {
      kind: "failed",
      reason: "too-large",
      message: `the ${subject} returned ${value.length} characters, above the cap of ${limits.resultChars}`,
    };
  }
  return { kind, content: value };
}

/** Characters + bytes held by a WIT value, counting at most up to `cap` (then it stops walking). */
export function sizeOf(value: unknown, cap: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= cap) {
    const next = stack.pop();
    if (typeof next === "string") total += next.length;
    else if (next instanceof Uint8Array) total += next.byteLength;
    else if (Array.isArray(next)) {
      total += next.length;
      stack.push(...next);
    } else if (next !== null && typeof next === "object") {
      for (const [key, field] of Object.entries(next)) {
        total += key.length;
        stack.push(field);
      }
    } else total += 8;
  }
  return total;
}

export function valueOutcome(
  kind: "ok" | "error",
  value: unknown,
  limits: WorkerLimits,
): CallOutcome<unknown> {
  const size = sizeOf(value, limits.resultChars);
  if (size > limits.resultChars) {
    return {
      kind: "failed",
      reason: "too-large",
      message: `the ${limits.subject ?? "tool"} returned more than ${limits.resultChars} characters`,
    };
  }
  return { kind, content: value };
}
