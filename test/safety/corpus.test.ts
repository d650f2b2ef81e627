/**
 * The safety corpus (test/safety/corpus/): one test per class, each reporting every false
 * positive or false negative by its text so a failing run says exactly which string and why.
 *   fake-keys    real-format fake credentials: each must be found, by its named pattern
 *   near-misses  look-alikes (short prefixes, placeholders, public keys): no pattern may match
 *   injections   injection attempts: each must be flagged, and escaped when wrapped
 *   benign       ordinary text: no leak finding and no injection flag
 */
import { describe, expect, test } from "bun:test";
import { injectionMarkersOf, wrapUntrusted } from "../../src/safety/injection.ts";
import { createLeakDetector } from "../../src/safety/leak-detector.ts";
import benign from "./corpus/benign.json";
import fakeKeys from "./corpus/fake-keys.json";
import injections from "./corpus/injections.json";
import nearMisses from "./corpus/near-misses.json";

const detector = createLeakDetector();
const namesFound = (text: string) => detector.scan(text).findings.map((finding) => finding.name);

describe("safety corpus", () => {
  test("the corpus holds at least 200 strings across its four classes", () => {
    expect(fakeKeys.length + nearMisses.length + injections.length + benign.length).toBeGreaterThanOrEqual(
      200,
    );
  });

  test("fake keys: every one is found by its pattern (false negatives listed)", () => {
    const falseNegatives = fakeKeys
      .filter((entry) => !namesFound(entry.text).includes(entry.pattern))
      .map(
        (entry) =>
          `${entry.pattern}: ${entry.text.slice(0, 60)} (found ${namesFound(entry.text).join(",") || "nothing"})`,
      );
    expect(falseNegatives).toEqual([]);
  });

  test("fake keys: every pattern of the corpus is exercised", () => {
    expect(new Set(fakeKeys.map((entry) => entry.pattern)).size).toBeGreaterThanOrEqual(20);
  });

  test("near misses: no pattern matches (false positives listed)", () => {
    const falsePositives = nearMisses
      .filter((text) => namesFound(text).length > 0)
      .map((text) => `${text} → ${namesFound(text).join(",")}`);
    expect(falsePositives).toEqual([]);
  });

  test("injection attempts: every one is flagged, and none survives wrapping intact (false negatives listed)", () => {
    const falseNegatives = injections.filter((text) => injectionMarkersOf(text).length === 0);
    expect(falseNegatives).toEqual([]);
    const unescaped = injections.filter((text) => {
      const wrapped = wrapUntrusted("test", text);
      const inner = wrapped.slice(wrapped.indexOf("\n") + 1, wrapped.lastIndexOf("\n"));
      return injectionMarkersOf(inner).includes("control_sequence");
    });
    expect(unescaped).toEqual([]);
  });

  test("benign text: no leak finding and no injection flag (false positives listed)", () => {
    const falsePositives = benign
      .map((text) => ({ text, leaks: namesFound(text), markers: injectionMarkersOf(text) }))
      .filter((entry) => entry.leaks.length > 0 || entry.markers.length > 0)
      .map((entry) => `${entry.text} → ${[...entry.leaks, ...entry.markers].join(",")}`);
    expect(falsePositives).toEqual([]);
  });
});
