import { describe, expect, test } from "bun:test";
import { fuseRankings } from "../../src/memory/fusion.ts";

const items = (...ids: string[]) => ids.map((id) => ({ id }));

describe("reciprocal rank fusion (k = 60)", () => {
  test("first in both lists scores 1; a hit in both beats a better rank in one", () => {
    const fused = fuseRankings([items("a", "b", "c"), items("a", "c", "d")]);
    expect(fused[0]?.item.id).toBe("a");
    expect(fused[0]?.score).toBeCloseTo(1, 10);
    // c: 1/63 + 1/62 beats b: 1/62 alone.
    expect(fused.map((entry) => entry.item.id)).toEqual(["a", "c", "b", "d"]);
    expect(fused[1]?.score).toBeCloseTo((1 / 63 + 1 / 62) / (2 / 61), 10);
    expect(fused[1]?.ranks).toEqual([3, 2]);
  });

  test("scores are 0–1 and a single list still scores its first hit 1", () => {
    const fused = fuseRankings([items("x", "y")]);
    expect(fused[0]?.score).toBeCloseTo(1, 10);
    for (const entry of fuseRankings([items(...Array.from({ length: 50 }, (_, i) => `t${i}`)), items("v")])) {
      expect(entry.score).toBeGreaterThan(0);
      expect(entry.score).toBeLessThanOrEqual(1);
    }
  });

  test("a list naming an item twice counts it once", () => {
    const fused = fuseRankings([items("a", "a")]);
    expect(fused).toHaveLength(1);
    expect(fused[0]?.ranks).toEqual([1]);
  });
});
