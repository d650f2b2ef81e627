/**
 * Where inline spans begin and end, without building anything: code spans, link labels and
 * destinations, autolinks. Kept apart from the tree builder (markdown-inline.ts) because both the
 * builder and its closer search need to skip over these spans the same way.
 */

const ALLOWED_URL = /^(?:https?:\/\/|tg:\/\/|mailto:)/i;
const AUTOLINK = /<((?:https?|tg):\/\/[^\s<>]+|mailto:[^\s<>]+)>/y;
/** Labels longer than this are not links; the bound keeps nested "[" linear enough. */
const MAX_LABEL_LENGTH = 1000;

/** Only these schemes become `<a href>`: Telegram rejects others, and javascript: must never pass. */
export function isAllowedUrl(url: string): boolean {
  return ALLOWED_URL.test(url);
}

export function runLength(src: string, index: number, end: number, char: string): number {
  let cursor = index;
  while (cursor < end && src[cursor] === char) cursor++;
  return cursor - index;
}

/** End (exclusive) of the code span opening at `index`, or undefined when it never closes. */
export function codeSpanEnd(src: string, index: number, end: number): number | undefined {
  const length = runLength(src, index, end, "`");
  let cursor = index + length;
  while (cursor < end) {
    if (src[cursor] !== "`") {
      cursor++;
      continue;
    }
    const run = runLength(src, cursor, end, "`");
    if (run === length) return cursor + run;
    cursor += run;
  }
  return undefined;
}

/** `<https://…>` at `index`: the url and the index after `>`. */
export function findAutolink(
  src: string,
  index: number,
  end: number,
): { url: string; end: number } | undefined {
  AUTOLINK.lastIndex = index;
  const match = AUTOLINK.exec(src);
  if (!match || AUTOLINK.lastIndex > end) return undefined;
  return { url: match[1] ?? "", end: AUTOLINK.lastIndex };
}

function labelEnd(src: string, index: number, end: number): number | undefined {
  const limit = Math.min(end, index + MAX_LABEL_LENGTH);
  let depth = 0;
  for (let cursor = index; cursor < limit; cursor++) {
    const char = src[cursor];
    if (char === "\\") cursor++;
    else if (char === "`") cursor = (codeSpanEnd(src, cursor, end) ?? cursor + 1) - 1;
    else if (char === "[") depth++;
    else if (char === "]" && --depth === 0) return cursor;
  }
  return undefined;
}

/** Parses `(url "title")` at `index`; returns the url and the index after `)`. */
function destination(src: string, index: number, end: number): { url: string; end: number } | undefined {
  let cursor = index + 1;
  while (src[cursor] === " ") cursor++;
  let url: string;
  if (src[cursor] === "<") {
    const close = src.indexOf(">", cursor);
    if (close < 0 || close >= end) return undefined;
    url = src.slice(cursor + 1, close);
    cursor = close + 1;
  } else {
    const urlStart = cursor;
    let parens = 0;
    for (; cursor < end && src[cursor] !== " "; cursor++) {
      const char = src[cursor];
      if (char === "\\") cursor++;
      else if (char === "(") parens++;
      else if (char === ")" && parens-- === 0) break;
    }
    url = src.slice(urlStart, Math.min(cursor, end));
  }
  while (src[cursor] === " ") cursor++;
  const quote = src[cursor];
  if (quote === '"' || quote === "'") {
    const close = src.indexOf(quote, cursor + 1);
    if (close < 0 || close >= end) return undefined;
    cursor = close + 1;
    while (src[cursor] === " ") cursor++;
  }
  if (cursor >= end || src[cursor] !== ")" || url.trim() === "") return undefined;
  return { url: url.replace(/\\([!-/:-@[-`{-~])/g, "$1"), end: cursor + 1 };
}

/** `[label](url "title")` at `index`: where the label ends, the url, and the index after `)`. */
export function findLink(src: string, index: number, end: number) {
  const close = labelEnd(src, index, end);
  if (close === undefined || src[close + 1] !== "(") return undefined;
  const target = destination(src, close + 1, end);
  return target && { labelEnd: close, url: target.url, end: target.end };
}
