/**
 * Model Markdown → Discord Markdown, and the 2000-character splitter.
 *
 * Discord already renders most of what models write (bold, italic, strike, inline and fenced
 * code, quotes, lists, `#`–`###` headings, masked links), so the text passes through unchanged
 * except where Discord would show raw syntax: `####` and deeper headings become bold lines,
 * tables become aligned code blocks, horizontal rules become a line of box-drawing characters,
 * and an unclosed code fence (common mid-stream) is closed. Inline text is never re-escaped:
 * rewriting it risks turning a literal `*` into styling, and mentions are neutralised by
 * `allowed_mentions` when sending, not by editing the text.
 *
 * Contract: total (never throws); every chunk from `splitDiscordMessage` is at most `limit`
 * characters (UTF-16 code units, which is never fewer than what Discord counts).
 */
import { type LineAtom, scanLines } from "../shared/markdown-blocks.ts";
import { splitText } from "../shared/split.ts";

/** Discord's limit for a message's content. */
export const DISCORD_MESSAGE_LIMIT = 2000;
const MIN_SPLIT_LIMIT = 64;

const DEEP_HEADING = /^ {0,3}#{4,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

function tableCells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return trimmed.split("|").map((cell) =>
    cell
      .trim()
      .replace(/\*\*|__|`/g, "")
      .replace(/\\\|/g, "|"),
  );
}

/** GFM: a header row, then a delimiter row with as many cells (so "a | b" over "---" is no table). */
function isTableStart(header: string, delimiter: string): boolean {
  return (
    header.includes("|") &&
    TABLE_DELIMITER.test(delimiter) &&
    tableCells(header).length === tableCells(delimiter).length
  );
}

/** A GFM table as a code block with padded columns (Discord has no tables). */
function renderTable(header: string, rows: string[]): string {
  const grid = [tableCells(header), ...rows.map(tableCells)];
  const columns = Math.max(...grid.map((cells) => cells.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...grid.map((cells) => (cells[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    widths
      .map((width, column) => (cells[column] ?? "").padEnd(width))
      .join(" | ")
      .trimEnd();
  const separator = widths.map((width) => "-".repeat(width)).join("-+-");
  const [head = [], ...body] = grid;
  return ["```", line(head), separator, ...body.map(line), "```"].join("\n");
}

function renderCode(atom: Extract<LineAtom, { kind: "code" }>): string {
  const closed = atom.source.length === atom.content.length + 2;
  return closed
    ? atom.source.join("\n")
    : [...atom.source, `${" ".repeat(atom.fence.indent)}${atom.fence.char.repeat(atom.fence.length)}`].join(
        "\n",
      );
}

/**
 * Converts model Markdown to what Discord renders well.
 *
 * @example markdownToDiscord("#### Notes\n| a | b |\n|---|---|\n| 1 | 2 |")
 *   // "**Notes**\n```\na | b\n--+--\n1 | 2\n```"
 */
export function markdownToDiscord(markdown: string): string {
  const atoms = scanLines(markdown);
  const out: string[] = [];
  for (let index = 0; index < atoms.length; index++) {
    const atom = atoms[index] as LineAtom;
    if (atom.kind === "code") {
      out.push(renderCode(atom));
      continue;
    }
    const next = atoms[index + 1];
    if (next?.kind === "line" && isTableStart(atom.text, next.text)) {
      const rows: string[] = [];
      let cursor = index + 2;
      for (let row = atoms[cursor]; row?.kind === "line" && row.text.includes("|"); row = atoms[++cursor])
        rows.push(row.text);
      out.push(renderTable(atom.text, rows));
      index = cursor - 1;
      continue;
    }
    const heading = DEEP_HEADING.exec(atom.text);
    if (heading) out.push(heading[1] ? `**${heading[1]}**` : "");
    else if (RULE.test(atom.text)) out.push("─".repeat(20));
    else out.push(atom.text);
  }
  return out.join("\n");
}

/**
 * Converts, then splits into messages of at most `limit` characters: at blank lines first, then
 * line breaks, then spaces; a code block is split only when it alone is too long, and then into
 * complete fenced blocks. Blank input gives [].
 */
export function splitDiscordMessage(markdown: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < MIN_SPLIT_LIMIT)
    throw new RangeError(`message limit must be an integer of at least ${MIN_SPLIT_LIMIT}, got ${limit}`);
  return splitText(markdownToDiscord(markdown), {
    fits: (chunk) => chunk.length <= limit,
    keepCodeBlocks: true,
  });
}
