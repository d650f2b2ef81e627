/**
 * The shared rate-limit wait: a wait within the cap happens and says "retry", a wait beyond the
 * cap or with a garbage retry-after is refused at once (and logged), and stopping the channel
 * ends a wait early. The refused waits are an hour long: if one were started, the test would
 * time out instead of passing.
 */
import { describe, expect, test } from "bun:test";
import { sleepUnlessAborted, waitForRetry } from "../../../channels/shared/rate-limit-wait.ts";
import { createLogger } from "../../../src/log.ts";

const HOUR_MS = 3_600_000;

function createCapturingLog() {
  const lines: string[] = [];
  return { log: createLogger({ write: (line) => lines.push(line), format: "json" }), lines };
}

describe("waitForRetry", () => {
  test("a wait within the cap is waited out and asks for a retry", async () => {
    const { log } = createCapturingLog();
    expect(await waitForRetry(5, undefined, { log, capMs: 1000 })).toBe(true);
  });

  test("a wait beyond the cap is refused without waiting, and logged", async () => {
    const { log, lines } = createCapturingLog();
    expect(await waitForRetry(HOUR_MS, undefined, { log, context: { method: "sendMessage" } })).toBe(false);
    const logged = lines.find((line) => line.includes("longer than the cap"));
    expect(logged).toContain('"method":"sendMessage"');
    expect(logged).toContain('"capMs":60000');
  });

  test("a retry-after that is not a sane number is refused", async () => {
    const { log, lines } = createCapturingLog();
    for (const garbage of [Number.NaN, -1, Number.POSITIVE_INFINITY])
      expect(await waitForRetry(garbage, undefined, { log })).toBe(false);
    expect(lines.filter((line) => line.includes("unusable retry-after"))).toHaveLength(3);
  });

  test("stopping the channel ends a wait early and refuses the retry", async () => {
    const { log, lines } = createCapturingLog();
    const stop = new AbortController();
    const waiting = waitForRetry(HOUR_MS, stop.signal, { log, capMs: 2 * HOUR_MS });
    stop.abort();
    expect(await waiting).toBe(false);
    expect(lines.some((line) => line.includes("the channel is stopping"))).toBe(true);
  });

  test("an already stopped channel does not wait at all", async () => {
    const { log } = createCapturingLog();
    expect(await waitForRetry(HOUR_MS, AbortSignal.abort(), { log, capMs: 2 * HOUR_MS })).toBe(false);
  });
});

describe("sleepUnlessAborted", () => {
  test("resolves true when the time is up and false when aborted", async () => {
    expect(await sleepUnlessAborted(1)).toBe(true);
    const controller = new AbortController();
    const sleeping = sleepUnlessAborted(HOUR_MS, controller.signal);
    controller.abort();
    expect(await sleeping).toBe(false);
  });
});
