/**
 * Cuts a document into passages for search: about 800 words each, the next one starting ~15 %
 * before the previous ended, so a fact that straddles a boundary is whole in one of them. A tail
 * shorter than a quarter of a chunk is merged into the previous chunk rather than standing alone
 * (a 30-word passage ranks erratically and says little). Cutting is by whitespace-separated words
 * and keeps the original text between them, so a chunk reads exactly like the document.
 */
import { createHash } from "node:crypto";

export interface ChunkingOptions {
  /** Words per chunk (default 800). */
  words?: number;
  /** Fraction of a chunk repeated at the start of the next (default 0.15). */
  overlap?: number;
  /** A tail with fewer words than this fraction of a chunk joins the previous one (default 0.25). */
  minTail?: number;
}

export interface TextChunk {
  position: number;
  content: string;
  contentHash: string;
}

export function hashText(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function chunkText(text: string, options: ChunkingOptions = {}): TextChunk[] {
  const size = Math.max(1, options.words ?? 800);
  const step = Math.max(1, size - Math.floor(size * (options.overlap ?? 0.15)));
  const minTail = Math.floor(size * (options.minTail ?? 0.25));
  const words = [...text.matchAll(/\S+/g)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
  }));
  if (words.length === 0) return [];
  const ranges: { from: number; to: number }[] = [];
  for (let from = 0; from < words.length; from += step) {
    const to = Math.min(words.length, from + size);
    const tailWords = to - Math.max(from, ranges.at(-1)?.to ?? 0);
    const previous = ranges.at(-1);
    if (previous && to === words.length && tailWords < minTail) {
      previous.to = to;
      break;
    }
    ranges.push({ from, to });
    if (to === words.length) break;
  }
  return ranges.map((range, position) => {
    const first = words[range.from] as { start: number };
    const last = words[range.to - 1] as { end: number };
    const content = text.slice(first.start, last.end);
    return { position, content, contentHash: hashText(content) };
  });
}
