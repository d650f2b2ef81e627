/**
 * Reciprocal rank fusion: a chunk's score is Σ 1 / (k + rank) over the ranked lists it appears
 * in (k = 60, rank from 1). Ranks, not raw scores, are fused because ts_rank and cosine
 * similarity are on unrelated scales. The sum is divided by the best possible sum (first in every
 * list that was searched), so scores are 0–1 and comparable between queries: 1 means first
 * everywhere; a text-only search (no vectors) still scores its first hit 1.
 */

export const rrfK = 60;

export interface RankedItem {
  id: string;
}

export interface FusedScore<Item> {
  item: Item;
  score: number;
  /** 1-based rank in each list, when present. */
  ranks: (number | undefined)[];
}

export function fuseRankings<Item extends RankedItem>(
  lists: readonly (readonly Item[])[],
  k = rrfK,
): FusedScore<Item>[] {
  const searched = lists.length;
  if (searched === 0) return [];
  const fused = new Map<string, FusedScore<Item>>();
  lists.forEach((list, listIndex) => {
    list.forEach((item, index) => {
      const entry = fused.get(item.id) ?? { item, score: 0, ranks: new Array(searched).fill(undefined) };
      if (entry.ranks[listIndex] !== undefined) return; // a list naming an item twice counts it once
      entry.ranks[listIndex] = index + 1;
      entry.score += 1 / (k + index + 1);
      fused.set(item.id, entry);
    });
  });
  const best = searched / (k + 1);
  return [...fused.values()]
    .map((entry) => ({ ...entry, score: entry.score / best }))
    .sort((a, b) => b.score - a.score || a.item.id.localeCompare(b.item.id));
}
