/**
 * Model Markdown → Telegram's HTML subset (https://core.telegram.org/bots/api#html-style), plus
 * the plain-text fallback and the message splitter.
 *
 * Why HTML and not MarkdownV2: MarkdownV2 needs 18 characters escaped everywhere and rejects the
 * whole message on one stray `_`; HTML needs only `&`, `<` and `>` escaped, and the converter
 * guarantees balanced, properly nested tags (see ../shared/markdown-inline.ts). Even so, the channel must
 * retry with `plainTextFallback` when Telegram answers 400 "can't parse entities".
 *
 * Contract: the converter is total (never throws) and every output is valid Telegram HTML.
 */
import { type Block, parseBlocks } from "../shared/markdown-blocks.ts";
import { type InlineNode, parseInline } from "../shared/markdown-inline.ts";
import { splitText } from "../shared/split.ts";

/** Telegram's limit for one message text, in UTF-16 code units. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;
/** The smallest limit that still leaves room for a fenced part of a split code block. */
const MIN_SPLIT_LIMIT = 64;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === "&" ? "&amp;" : char === "<" ? "&lt;" : "&gt;"));
}

function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, "&quot;");
}

function inlineToHtml(nodes: InlineNode[]): string {
  let html = "";
  for (const node of nodes) {
    if (node.kind === "text") html += escapeHtml(node.value);
    else if (node.kind === "code") html += `<code>${escapeHtml(node.value)}</code>`;
    else if (node.kind === "style") html += `<${node.tag}>${inlineToHtml(node.children)}</${node.tag}>`;
    else html += `<a href="${escapeAttribute(node.url)}">${inlineToHtml(node.children)}</a>`;
  }
  return html;
}

function inlineToPlain(nodes: InlineNode[]): string {
  let plain = "";
  for (const node of nodes) {
    if (node.kind === "text" || node.kind === "code") plain += node.value;
    else if (node.kind === "style") plain += inlineToPlain(node.children);
    else {
      const label = inlineToPlain(node.children);
      plain += label === node.url ? label : `${label} (${node.url})`;
    }
  }
  return plain;
}

function blockToHtml(block: Block): string {
  switch (block.kind) {
    case "code": {
      const code = escapeHtml(block.content);
      return block.language === ""
        ? `<pre>${code}</pre>`
        : `<pre><code class="language-${block.language}">${code}</code></pre>`;
    }
    case "heading":
      // Telegram has no headings; a bold line reads as one. Bold inside it is not reopened.
      return block.text === "" ? "" : `<b>${inlineToHtml(parseInline(block.text, ["b"]))}</b>`;
    case "quote":
      return `<blockquote>${block.lines.map((line) => inlineToHtml(parseInline(line))).join("\n")}</blockquote>`;
    case "text":
      return inlineToHtml(parseInline(block.text));
  }
}

function blockToPlain(block: Block): string {
  switch (block.kind) {
    case "code":
      return block.content;
    case "heading":
      return inlineToPlain(parseInline(block.text));
    case "quote":
      return block.lines.map((line) => inlineToPlain(parseInline(line))).join("\n");
    case "text":
      return inlineToPlain(parseInline(block.text));
  }
}

/**
 * Converts model Markdown to Telegram HTML: bold, italic, strike, inline code, fenced code
 * (with `language-…` class), http/https/tg/mailto links, headings as bold lines, blockquotes.
 * Lists and tables stay as text; everything else is escaped.
 *
 * @example markdownToTelegramHtml("**Hi** <you>") // "<b>Hi</b> &lt;you&gt;"
 */
export function markdownToTelegramHtml(markdown: string): string {
  return parseBlocks(markdown).map(blockToHtml).join("\n");
}

/** The same text with the markup stripped, for the retry without `parse_mode`. */
export function plainTextFallback(markdown: string): string {
  return parseBlocks(markdown).map(blockToPlain).join("\n");
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < MIN_SPLIT_LIMIT) {
    throw new RangeError(`message limit must be an integer of at least ${MIN_SPLIT_LIMIT}, got ${limit}`);
  }
}

/**
 * Splits Markdown into chunks whose converted HTML is at most `limit` characters each: at blank
 * lines first, then line breaks, then spaces. A fenced code block is split only when it alone is
 * too long, and then into complete fenced blocks with the same language. Blank input gives [].
 *
 * @example splitTelegramMessage(longReply).map(markdownToTelegramHtml) // each ≤ 4096
 */
export function splitTelegramMessage(markdown: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  checkLimit(limit);
  const fits = (chunk: string) => markdownToTelegramHtml(chunk).length <= limit;
  return splitText(markdown, { fits, keepCodeBlocks: true });
}

/** Splits plain text (e.g. `plainTextFallback` output) into chunks of at most `limit` characters. */
export function splitPlainText(text: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  checkLimit(limit);
  return splitText(text, { fits: (chunk) => chunk.length <= limit, keepCodeBlocks: false });
}
