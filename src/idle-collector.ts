/**
 * Gives memory back once a burst of work is over. Measured (issue #14): the assistant does not
 * leak — after a full collection the heap is where it was — but JavaScriptCore lets garbage from
 * a burst of turns pile up (+20–30 MB RSS after 100 quick turns) and keeps it while the process
 * sits idle, because an idle process allocates nothing that would trigger a collection.
 *
 * So, once a second, the collector looks at the heap: when it grew by `thresholdBytes` since the
 * last full collection and the burst has ended (less than `quietBytes` allocated since the
 * previous look), it runs one full, synchronous collection and asks the engine to shrink
 * (`collectAndShrink`). It never collects in the middle of steady work (that is the engine's own
 * business), and the timer does not keep the process alive.
 */

export interface IdleCollectorOptions {
  /** Heap growth since the last collection that is worth collecting (default 4 MB). */
  thresholdBytes?: number;
  /** At most this much allocated since the previous look counts as idle (default 512 KB). */
  quietBytes?: number;
  /** How often to look (default 1 s); 0 = never on a timer (tests call `check`). */
  intervalMs?: number;
  /** Bytes of live-and-garbage heap now; process.memoryUsage().heapUsed by default. */
  measure?: () => number;
  /** One full collection; `collectAndShrink` by default. */
  collect?: () => void;
}

export interface IdleCollector {
  /** Looks once; returns true when it collected. */
  check(): boolean;
  stop(): void;
}

/**
 * A full collection, then `Bun.shrink()`: JavaScriptCore, at its next idle moment, also gives back
 * the memory a collection alone keeps (freed heap blocks, unused compiled code). Measured with
 * scripts/bench/memory.ts on PostgreSQL: ~104 → ~95 MB RSS 2.5 s after 100 turns. The cost is
 * recompiling hot code on the next burst, which is why this runs only once a burst is over.
 * `shrink` is marked deprecated in Bun's types; without it, the collection alone still runs.
 */
export function collectAndShrink(): void {
  Bun.gc(true);
  if (typeof Bun.shrink === "function") Bun.shrink();
}

export function createIdleCollector(options: IdleCollectorOptions = {}): IdleCollector {
  const thresholdBytes = options.thresholdBytes ?? 4 * 1024 * 1024;
  const quietBytes = options.quietBytes ?? 512 * 1024;
  const measure = options.measure ?? (() => process.memoryUsage().heapUsed);
  const collect = options.collect ?? collectAndShrink;
  let afterCollection = measure();
  let previous = afterCollection;

  function check(): boolean {
    const now = measure();
    const quiet = now - previous < quietBytes;
    previous = now;
    if (!quiet || now - afterCollection < thresholdBytes) {
      // A heap that shrank on its own (the engine collected) is the new baseline.
      if (now < afterCollection) afterCollection = now;
      return false;
    }
    collect();
    afterCollection = measure();
    previous = afterCollection;
    return true;
  }

  const intervalMs = options.intervalMs ?? 1000;
  const timer = intervalMs > 0 ? setInterval(check, intervalMs) : undefined;
  timer?.unref();
  return {
    check,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
