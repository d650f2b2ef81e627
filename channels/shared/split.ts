/**
 * Splits a long text into chunks that each pass a `fits` test (Telegram: the converted HTML is at
 * most 4096 characters). Boundaries are tried from the most to the least natural: blank lines,
 * then line breaks, then spaces, then (for one over-long word) anywhere but inside a UTF-16
 * surrogate pair. A fenced code block is one unbreakable line unless it alone does not fit; then
 * it becomes several complete fenced blocks, so every chunk still renders as code.
 *
 * `fits` is measured on the candidate chunk itself rather than estimated, because conversion is
 * not additive (a closed `**` pair costs `<b></b>`, an unclosed one costs nothing). Candidates
 * are found by galloping plus binary search, so a huge reply costs O(log n) conversions per chunk.
 */
import { type CodeAtom, type LineAtom, scanLines, toLines } from "./markdown-blocks.ts";

export interface SplitOptions {
  fits: (chunk: string) => boolean;
  /** Treat fenced code blocks as units (Markdown); false for plain text. */
  keepCodeBlocks: boolean;
}

const BLANK = /^\s*$/;

export function splitText(text: string, options: SplitOptions): string[] {
  const atoms: LineAtom[] = options.keepCodeBlocks
    ? scanLines(text)
    : toLines(text).map((line) => ({ kind: "line", text: line }));
  const paragraphs = groupParagraphs(atoms);
  const pieces = paragraphs.map((paragraph) => paragraph.map(atomText).join("\n"));
  const chunks = packPieces(pieces, "\n\n", options.fits, (index) =>
    splitParagraph(paragraphs[index] ?? [], options.fits),
  );
  return chunks.filter((chunk) => !BLANK.test(chunk));
}

function atomText(atom: LineAtom): string {
  return atom.kind === "code" ? atom.source.join("\n") : atom.text;
}

function groupParagraphs(atoms: LineAtom[]): LineAtom[][] {
  const paragraphs: LineAtom[][] = [];
  let current: LineAtom[] = [];
  for (const atom of atoms) {
    if (atom.kind === "line" && BLANK.test(atom.text)) {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else current.push(atom);
  }
  if (current.length > 0) paragraphs.push(current);
  return paragraphs;
}

function splitParagraph(atoms: LineAtom[], fits: SplitOptions["fits"]): string[] {
  return packPieces(atoms.map(atomText), "\n", fits, (index) => {
    const atom = atoms[index];
    if (atom?.kind === "code") return splitCodeBlock(atom, fits);
    return splitLine(atom?.text ?? "", fits);
  });
}

function splitLine(line: string, fits: SplitOptions["fits"]): string[] {
  const words = line.split(" ");
  return packPieces(words, " ", fits, (index) => hardSplit(words[index] ?? "", fits));
}

function splitCodeBlock(atom: CodeAtom, fits: SplitOptions["fits"]): string[] {
  const opening = (atom.source[0] ?? "").trimStart();
  const closing = atom.fence.char.repeat(atom.fence.length);
  const wrap = (body: string) => `${opening}\n${body}\n${closing}`;
  const bodyFits = (body: string) => fits(wrap(body));
  const lines = atom.content;
  const bodies = packPieces(lines, "\n", bodyFits, (index) => hardSplit(lines[index] ?? "", bodyFits));
  return bodies.map(wrap);
}

/** Cuts anywhere, taking the longest prefix that fits each time (at least one character). */
function hardSplit(text: string, fits: SplitOptions["fits"]): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (fits(rest)) {
      parts.push(rest);
      break;
    }
    let good = 1;
    let bad = rest.length;
    while (bad - good > 1) {
      const middle = (good + bad) >> 1;
      if (fits(rest.slice(0, middle))) good = middle;
      else bad = middle;
    }
    const code = rest.charCodeAt(good - 1);
    const highSurrogate = code >= 0xd800 && code <= 0xdbff;
    if (highSurrogate) good += good > 1 ? -1 : 1;
    parts.push(rest.slice(0, good));
    rest = rest.slice(good);
  }
  return parts;
}

/**
 * Greedily joins consecutive pieces with `separator` into the longest runs that fit; a piece that
 * does not fit even alone is handed to `splitOversized` and becomes chunks of its own.
 */
function packPieces(
  pieces: string[],
  separator: string,
  fits: SplitOptions["fits"],
  splitOversized: (index: number) => string[],
): string[] {
  const chunks: string[] = [];
  const join = (from: number, to: number) => pieces.slice(from, to + 1).join(separator);
  let start = 0;
  while (start < pieces.length) {
    if (!fits(pieces[start] ?? "")) {
      chunks.push(...splitOversized(start));
      start++;
      continue;
    }
    // `good` always fits; `bad` does not fit (or is past the end).
    let good = start;
    let bad = pieces.length;
    for (let step = 1; good + step < pieces.length; step *= 2) {
      if (!fits(join(start, good + step))) {
        bad = good + step;
        break;
      }
      good += step;
    }
    while (bad - good > 1) {
      const middle = (good + bad) >> 1;
      if (fits(join(start, middle))) good = middle;
      else bad = middle;
    }
    chunks.push(join(start, good));
    start = good + 1;
  }
  return chunks;
}
