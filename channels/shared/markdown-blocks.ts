/**
 * Line-level structure of model Markdown, shared by the HTML converter and the splitter so both
 * agree on where a fenced code block starts and ends: the splitter must never cut through one,
 * and the converter must escape everything inside one.
 *
 * Models write sloppy Markdown, so this is deliberately forgiving: fences may be indented (code
 * inside list items), an unclosed fence runs to the end of the text (as in CommonMark), and
 * nested blockquotes (`> >`) are flattened because Telegram cannot nest them.
 */

/** An opening code fence: ```ts or ~~~ (three or more characters). */
export interface Fence {
  char: "`" | "~";
  length: number;
  /** Leading spaces of the opening line; stripped from the content lines. */
  indent: number;
  /** First word of the info string, reduced to characters safe in a class name ("" if none). */
  language: string;
}

/** A fenced code block kept whole, with its source lines so the splitter can re-emit it. */
export interface CodeAtom {
  kind: "code";
  fence: Fence;
  /** Content lines with the fence indentation removed. */
  content: string[];
  /** The original lines, fences included. */
  source: string[];
}

export type LineAtom = { kind: "line"; text: string } | CodeAtom;

export type Block =
  | { kind: "code"; language: string; content: string }
  | { kind: "heading"; text: string }
  | { kind: "quote"; lines: string[] }
  | { kind: "text"; text: string };

const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
/** Long language names only cost room in every split part; nothing real needs more. */
const MAX_LANGUAGE_LENGTH = 16;

export function matchFenceOpen(line: string): Fence | undefined {
  const match = FENCE_OPEN.exec(line);
  if (!match) return undefined;
  const indent = match[1] ?? "";
  const marker = match[2] ?? "";
  const info = match[3] ?? "";
  const char = marker.startsWith("`") ? "`" : "~";
  // CommonMark: a backtick fence's info string may not contain backticks (```x``` is inline code).
  if (char === "`" && info.includes("`")) return undefined;
  const word = info.trim().split(/\s+/)[0] ?? "";
  const language = word.replace(/[^\w+#.-]/g, "").slice(0, MAX_LANGUAGE_LENGTH);
  return { char, length: marker.length, indent: indent.length, language };
}

function closesFence(line: string, fence: Fence): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && [...trimmed].every((char) => char === fence.char);
}

function stripIndent(line: string, indent: number): string {
  let index = 0;
  while (index < indent && (line[index] === " " || line[index] === "\t")) index++;
  return line.slice(index);
}

export function toLines(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n");
}

/** Splits text into lines, keeping each fenced code block (closed or not) as one atom. */
export function scanLines(text: string): LineAtom[] {
  const lines = toLines(text);
  const atoms: LineAtom[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? "";
    const fence = matchFenceOpen(line);
    index++;
    if (!fence) {
      atoms.push({ kind: "line", text: line });
      continue;
    }
    const source = [line];
    const content: string[] = [];
    while (index < lines.length) {
      const inner = lines[index] ?? "";
      index++;
      source.push(inner);
      if (closesFence(inner, fence)) break;
      content.push(stripIndent(inner, fence.indent));
    }
    atoms.push({ kind: "code", fence, content, source });
  }
  return atoms;
}

/** The block structure the converters render; inline Markdown inside is parsed later. */
export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const atom of scanLines(markdown)) {
    if (atom.kind === "code") {
      blocks.push({ kind: "code", language: atom.fence.language, content: atom.content.join("\n") });
      continue;
    }
    const quoted = QUOTE.test(atom.text);
    if (quoted) {
      let text = atom.text;
      while (QUOTE.test(text)) text = text.replace(QUOTE, "");
      const previous = blocks.at(-1);
      if (previous?.kind === "quote") previous.lines.push(text);
      else blocks.push({ kind: "quote", lines: [text] });
      continue;
    }
    const heading = HEADING.exec(atom.text);
    if (heading) blocks.push({ kind: "heading", text: heading[1] ?? "" });
    else blocks.push({ kind: "text", text: atom.text });
  }
  return blocks;
}
