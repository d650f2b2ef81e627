/**
 * Runs activation patterns off the host's thread, with a deadline. Static checks at load
 * (patterns.ts) refuse the obvious catastrophic shapes, but no check catches every regex that
 * backtracks badly (`.*a.*b` takes seconds on 2,000 characters of `a`), and a regex cannot be
 * stopped once it runs. So patterns are tested in a worker; an answer later than `timeoutMs`
 * terminates it (the next call starts a fresh one) and reports `timeout`, and the selector then
 * ignores that skill's patterns. Requests run one at a time. The worker is started on first use
 * and does not keep the process alive.
 */

export interface PatternMatcher {
  /** How many of `patterns` match `subject`, or `timeout` when the worker did not answer in time. */
  countMatches(patterns: readonly string[], subject: string): Promise<number | "timeout">;
  close(): void;
}

export interface PatternMatcherOptions {
  /** Default 1 s: generous for a legitimate pattern on a loaded machine, short for a turn. */
  timeoutMs?: number;
}

export function createPatternMatcher(options: PatternMatcherOptions = {}): PatternMatcher {
  const timeoutMs = options.timeoutMs ?? 1000;
  let worker: Worker | undefined;
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const waiting = new Map<number, (answer: number | "timeout") => void>();

  const stop = () => {
    worker?.terminate();
    worker = undefined;
    for (const resolve of waiting.values()) resolve("timeout");
    waiting.clear();
  };

  const start = (): Worker => {
    const started = new Worker(new URL("./pattern-worker.ts", import.meta.url).href);
    started.unref();
    started.onmessage = (event: MessageEvent<{ id: number; matched: number }>) => {
      waiting.get(event.data.id)?.(event.data.matched);
      waiting.delete(event.data.id);
    };
    started.onerror = () => stop();
    return started;
  };

  const ask = (patterns: readonly string[], subject: string) =>
    new Promise<number | "timeout">((resolve) => {
      worker ??= start();
      const id = nextId++;
      const timer = setTimeout(() => {
        if (!waiting.has(id)) return;
        waiting.delete(id);
        resolve("timeout");
        stop();
      }, timeoutMs);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      worker.postMessage({ id, patterns: [...patterns], subject });
    });

  return {
    countMatches(patterns, subject) {
      if (patterns.length === 0) return Promise.resolve(0);
      const answer = queue.then(() => ask(patterns, subject));
      queue = answer;
      return answer;
    },
    close: stop,
  };
}

let shared: PatternMatcher | undefined;

/** One matcher for the process (its worker does not keep the process alive). */
export function sharedPatternMatcher(): PatternMatcher {
  shared ??= createPatternMatcher();
  return shared;
}
