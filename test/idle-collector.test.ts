import { describe, expect, test } from "bun:test";
import { createIdleCollector } from "../src/idle-collector.ts";

/** A heap the test drives: allocations raise it, a collection drops it to what is live. */
function scriptedHeap(live: number) {
  const heap = { used: live, live, collections: 0 };
  return {
    heap,
    measure: () => heap.used,
    collect: () => {
      heap.collections++;
      heap.used = heap.live;
    },
  };
}

const megabyte = 1024 * 1024;

describe("idle collector", () => {
  test("collects once a burst of allocation has ended, and not again until the heap grows", () => {
    const { heap, measure, collect } = scriptedHeap(10 * megabyte);
    const collector = createIdleCollector({ intervalMs: 0, measure, collect });
    heap.used += 20 * megabyte; // a burst of turns
    expect(collector.check()).toBe(false); // still allocating: leave it to the engine
    expect(collector.check()).toBe(true); // quiet now: give the garbage back
    expect(heap.used).toBe(10 * megabyte);
    expect(collector.check()).toBe(false);
    expect(heap.collections).toBe(1);
  });

  test("never collects during steady work", () => {
    const { heap, measure, collect } = scriptedHeap(10 * megabyte);
    const collector = createIdleCollector({ intervalMs: 0, measure, collect });
    for (let look = 0; look < 50; look++) {
      heap.used += 2 * megabyte;
      collector.check();
    }
    expect(heap.collections).toBe(0);
  });

  test("small growth is not worth a full collection", () => {
    const { heap, measure, collect } = scriptedHeap(10 * megabyte);
    const collector = createIdleCollector({ intervalMs: 0, measure, collect });
    heap.used += megabyte / 4;
    collector.check();
    collector.check();
    expect(heap.collections).toBe(0);
  });

  test("a collection the engine ran itself becomes the new baseline", () => {
    const { heap, measure, collect } = scriptedHeap(30 * megabyte);
    const collector = createIdleCollector({ intervalMs: 0, measure, collect, thresholdBytes: 4 * megabyte });
    heap.used = 10 * megabyte; // the engine collected on its own
    collector.check();
    heap.used += 3 * megabyte; // below the threshold over the new baseline
    collector.check();
    collector.check();
    expect(heap.collections).toBe(0);
  });
});
