/**
 * The poll loop of one channel, on its own lane (a second sandbox Worker), so a 30 s long-poll
 * never delays a send. At most one poll starts per `interval` (measured start to start, and at
 * least the manifest's minimum): a long-poll that waited for events is followed at once, one
 * that returned at once waits out the rest of the interval. It backs off exponentially after
 * failures (guest error, trap, deadline, refused emits; `retry-after-ms` honoured — see
 * callback-health.ts), and stops promptly: `stop()` aborts the poll in flight, which wakes the
 * guest from its host call and cancels the host's HTTP request.
 */
import type { CallbackHealth } from "./callback-health.ts";
import type { CallbackResult } from "./run-callback.ts";

export interface PollLoopOptions {
  readonly intervalMs: number;
  readonly poll: (signal: AbortSignal) => Promise<CallbackResult>;
  readonly health: CallbackHealth;
  readonly now: () => number;
}

export interface PollLoop {
  /** Polls completed (successful or not); for tests and the benchmark. */
  readonly cycles: number;
  stop(): Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export function startPollLoop(options: PollLoopOptions): PollLoop {
  const controller = new AbortController();
  let cycles = 0;
  const running = (async () => {
    while (!controller.signal.aborted) {
      const started = options.now();
      // runCallback reports every failure as a result; a throw here is the host's own bug.
      await options.poll(controller.signal).catch(() => undefined);
      cycles += 1;
      if (controller.signal.aborted) break;
      const finished = options.now();
      const rest = options.intervalMs - (finished - started);
      const backOff = options.health.delayFor("on-poll", finished);
      const wait = Math.max(rest, backOff);
      if (wait > 0) await sleep(wait, controller.signal);
    }
  })();
  return {
    get cycles() {
      return cycles;
    },
    async stop() {
      controller.abort();
      await running;
    },
  };
}
