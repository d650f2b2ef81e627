/**
 * Inline Markdown (emphasis, strike, code spans, links) parsed into a small tree, so the HTML and
 * plain-text renderers share one parser and the HTML renderer can only ever emit balanced,
 * properly nested tags: every tag wraps the separately parsed content between its two markers.
 *
 * Models produce unbalanced markers and snake_case_names all the time; anything that does not
 * form a proper pair stays literal text. The rules are a pragmatic subset of CommonMark's
 * (flanking delimiters, no intraword `_`), not the full delimiter algorithm.
 */
import { codeSpanEnd, findAutolink, findLink, isAllowedUrl, runLength } from "./markdown-spans.ts";

export type StyleTag = "b" | "i" | "s";

export type InlineNode =
  | { kind: "text"; value: string }
  | { kind: "code"; value: string }
  | { kind: "style"; tag: StyleTag; children: InlineNode[] }
  | { kind: "link"; url: string; children: InlineNode[] };

type Context = StyleTag | "a";
type Match = { nodes: InlineNode[]; end: number };

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
/** Deeper nesting than this is never meaningful; the cap keeps hostile input off the stack. */
const MAX_DEPTH = 12;

/** Parses one line of inline Markdown. `active` marks styles already open around it (headings are bold). */
export function parseInline(source: string, active: Iterable<Context> = []): InlineNode[] {
  return parseRange(source, 0, source.length, new Set(active), 0);
}

function pushNodes(target: InlineNode[], nodes: InlineNode[]): void {
  for (const node of nodes) {
    const last = target.at(-1);
    if (node.kind === "text" && last?.kind === "text") last.value += node.value;
    else target.push(node);
  }
}

function text(value: string): InlineNode[] {
  return value === "" ? [] : [{ kind: "text", value }];
}

function parseRange(
  src: string,
  start: number,
  end: number,
  active: Set<Context>,
  depth: number,
): InlineNode[] {
  const nodes: InlineNode[] = [];
  // Search memo: where a closer search for a marker kind already failed (a later opener of that
  // kind in this range cannot succeed either), and where the next "]" is. It keeps lines full of
  // stray markers linear.
  const memo = new Map<string, number>();
  let index = start;
  while (index < end) {
    const match = depth < MAX_DEPTH ? matchAt(src, index, end, active, depth, memo) : undefined;
    if (match) {
      pushNodes(nodes, match.nodes);
      index = match.end;
    } else {
      pushNodes(nodes, text(src[index] ?? ""));
      index++;
    }
  }
  return nodes;
}

function matchAt(
  src: string,
  index: number,
  end: number,
  active: Set<Context>,
  depth: number,
  memo: Map<string, number>,
): Match | undefined {
  const char = src[index];
  if (char === "\\" && index + 1 < end && ESCAPABLE.test(src[index + 1] ?? "")) {
    return { nodes: text(src[index + 1] ?? ""), end: index + 2 };
  }
  if (char === "`") return matchCodeSpan(src, index, end, active);
  if (char === "[" && !active.has("a")) {
    // Where the next "]" is (-1 >>> 0 is past any end): lines full of "[" stay linear.
    if ((memo.get("]") ?? -1) < index) memo.set("]", src.indexOf("]", index) >>> 0);
    return (memo.get("]") ?? end) < end ? matchLink(src, index, end, active, depth) : undefined;
  }
  if (char === "<" && !active.has("a")) {
    const link = findAutolink(src, index, end);
    return link && { nodes: [{ kind: "link", url: link.url, children: text(link.url) }], end: link.end };
  }
  if (char === "*" || char === "_" || char === "~") {
    return matchEmphasis(src, index, end, active, depth, memo);
  }
  return undefined;
}

function matchCodeSpan(src: string, index: number, end: number, active: Set<Context>): Match {
  const length = runLength(src, index, end, "`");
  const close = codeSpanEnd(src, index, end);
  // An unmatched run stays literal as a whole, so a shorter run inside it cannot pair up later.
  if (close === undefined) return { nodes: text("`".repeat(length)), end: index + length };
  let value = src.slice(index + length, close - length);
  if (value.length > 1 && value.startsWith(" ") && value.endsWith(" ") && value.trim() !== "") {
    value = value.slice(1, -1);
  }
  // Telegram does not allow code inside a link: there it degrades to plain text.
  const node: InlineNode = active.has("a") ? { kind: "text", value } : { kind: "code", value };
  return { nodes: value === "" ? [] : [node], end: close };
}

function matchLink(
  src: string,
  index: number,
  end: number,
  active: Set<Context>,
  depth: number,
): Match | undefined {
  const target = findLink(src, index, end);
  if (!target) return undefined;
  const allowed = isAllowedUrl(target.url);
  const inner = new Set(active);
  if (allowed) inner.add("a");
  const children = parseRange(src, index + 1, target.labelEnd, inner, depth + 1);
  if (!allowed) {
    // A relative or unsafe URL cannot be a Telegram link: keep it visible as text instead.
    pushNodes(children, text(` (${target.url})`));
    return { nodes: children, end: target.end };
  }
  const label = children.length > 0 ? children : text(target.url);
  return { nodes: [{ kind: "link", url: target.url, children: label }], end: target.end };
}

function canOpen(src: string, index: number, run: number, end: number, char: string): boolean {
  const after = index + run < end ? (src[index + run] ?? " ") : " ";
  if (SPACE.test(after)) return false;
  return char !== "_" || !WORD.test(src[index - 1] ?? " ");
}

function canClose(src: string, index: number, run: number, end: number, char: string): boolean {
  if (SPACE.test(src[index - 1] ?? " ")) return false;
  return char !== "_" || !WORD.test(index + run < end ? (src[index + run] ?? " ") : " ");
}

/** Start of the `size` closing markers for an opener ending at `from`, or undefined. */
function findCloser(src: string, from: number, end: number, char: string, size: number): number | undefined {
  let cursor = from;
  while (cursor < end) {
    const current = src[cursor];
    if (current === "\\") cursor += 2;
    else if (current === "`")
      cursor = codeSpanEnd(src, cursor, end) ?? cursor + runLength(src, cursor, end, "`");
    else if (current === char) {
      const run = runLength(src, cursor, end, char);
      // A run of exactly `size` closes; a run of three or more closes with its last markers
      // (`**a *b***`). Other runs belong to nested emphasis and are skipped whole.
      const closeAt = cursor + run - size;
      if ((run === size || run >= 3) && closeAt > from && canClose(src, cursor, run, end, char))
        return closeAt;
      cursor += run;
    } else cursor++;
  }
  return undefined;
}

function matchEmphasis(
  src: string,
  index: number,
  end: number,
  active: Set<Context>,
  depth: number,
  memo: Map<string, number>,
): Match {
  const char = src[index] ?? "";
  const run = runLength(src, index, end, char);
  const literal = { nodes: text(char.repeat(run)), end: index + run };
  if (!canOpen(src, index, run, end, char)) return literal;
  const sizes = char === "~" ? (run === 2 ? [2] : []) : [3, 2, 1].filter((size) => size <= run);
  for (const size of sizes) {
    const key = `${char}${size}`;
    if ((memo.get(key) ?? end) <= index) continue;
    const close = findCloser(src, index + size, end, char, size);
    if (close === undefined) {
      if (!memo.has(key)) memo.set(key, index);
      continue;
    }
    const tags: StyleTag[] = size === 3 ? ["b", "i"] : size === 1 ? ["i"] : char === "~" ? ["s"] : ["b"];
    const inner = new Set<Context>([...active, ...tags]);
    let nodes = parseRange(src, index + size, close, inner, depth + 1);
    // A style already open around this span is not reopened: its markers just disappear.
    for (const tag of [...tags].reverse()) {
      if (!active.has(tag)) nodes = [{ kind: "style", tag, children: nodes }];
    }
    return { nodes, end: close + size };
  }
  return literal;
}
