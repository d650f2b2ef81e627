import { describe, expect, test } from "bun:test";
import { chunkText } from "../../src/memory/chunking.ts";

const words = (count: number, from = 0) =>
  Array.from({ length: count }, (_, index) => `w${index + from}`).join(" ");

describe("chunking", () => {
  test("a short document is one chunk, byte-identical to the text", () => {
    const text = "  Pay rent on the 1st.\n\nCall mum on Sundays.  ";
    const chunks = chunkText(text);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.content).toBe("Pay rent on the 1st.\n\nCall mum on Sundays.");
    expect(chunkText("   \n ")).toEqual([]);
  });

  test("about 800 words a chunk, the next starting 15 % before the previous ended", () => {
    const chunks = chunkText(words(2000));
    const counts = chunks.map((chunk) => chunk.content.split(" ").length);
    expect(counts[0]).toBe(800);
    // Second chunk starts at word 680 (800 − 120 overlap).
    expect(chunks[1]?.content.startsWith("w680 ")).toBe(true);
    expect(chunks[0]?.content.endsWith(" w799")).toBe(true);
    expect(chunks.at(-1)?.content.endsWith(" w1999")).toBe(true);
    expect(chunks.map((chunk) => chunk.position)).toEqual(chunks.map((_, index) => index));
  });

  test("a tiny tail is merged into the previous chunk instead of standing alone", () => {
    // 800 + 50 words: the second chunk would add only 50 new words (< 200), so one chunk of 850.
    const chunks = chunkText(words(850));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.content.split(" ")).toHaveLength(850);
    // 800 + 300 new words: a real second chunk.
    expect(chunkText(words(1100))).toHaveLength(2);
  });

  test("identical text hashes identically; any change changes the hash", () => {
    const [a] = chunkText("the same text");
    const [b] = chunkText("the same text");
    const [c] = chunkText("the same text!");
    expect(a?.contentHash).toBe(b?.contentHash as string);
    expect(a?.contentHash).not.toBe(c?.contentHash as string);
  });
});
