/**
 * Model Markdown → Slack mrkdwn (https://api.slack.com/reference/surfaces/formatting), and the
 * splitter that fits a reply into Slack's limits: 3,000 characters per section block, 50 blocks
 * and 40,000 characters per message.
 *
 * mrkdwn has no escapes for `*`, `_`, `~` or backticks, only for `&`, `<` and `>`; so the parsed
 * tree (../shared/markdown-inline.ts) is rendered with markers only where the source had a
 * proper pair, and a zero-width space separates a marker from an adjacent letter (Slack ignores
 * `foo*bar*` otherwise). Contract: the converter is total (never throws).
 */
import { type Block, parseBlocks } from "../shared/markdown-blocks.ts";
import { type InlineNode, parseInline } from "../shared/markdown-inline.ts";
import { splitText } from "../shared/split.ts";

export const SLACK_MESSAGE_LIMIT = 40_000;
export const SLACK_SECTION_LIMIT = 3_000;
export const SLACK_MAX_BLOCKS = 50;
/** The smallest section limit that still leaves room for a fenced part of a split code block. */
const MIN_SPLIT_LIMIT = 64;
const ZERO_WIDTH_SPACE = "\u200b";
const WORD = /[\p{L}\p{N}]/u;
const markers = { b: "*", i: "_", s: "~" } as const;

export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === "&" ? "&amp;" : char === "<" ? "&lt;" : "&gt;"));
}

/** `|` would end the URL part of `<url|label>`; `<` and `>` would end the link itself. */
function escapeUrl(url: string): string {
  return url.replace(/&/g, "&amp;").replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E");
}

function plainOf(nodes: InlineNode[]): string {
  return nodes
    .map((node) => (node.kind === "text" || node.kind === "code" ? node.value : plainOf(node.children)))
    .join("");
}

function edgeIsWord(node: InlineNode | undefined, edge: "first" | "last"): boolean {
  if (!node) return false;
  const text = node.kind === "text" ? node.value : "";
  return WORD.test((edge === "first" ? text[0] : text.at(-1)) ?? "");
}

function inlineToMrkdwn(nodes: InlineNode[]): string {
  let out = "";
  nodes.forEach((node, index) => {
    if (node.kind === "text") out += escapeMrkdwn(node.value);
    // A backtick cannot be escaped inside a code span; a look-alike keeps the span intact.
    else if (node.kind === "code") out += `\`${escapeMrkdwn(node.value.replaceAll("`", "ˋ"))}\``;
    else if (node.kind === "link") {
      const label = inlineToMrkdwn(node.children);
      out +=
        plainOf(node.children) === node.url
          ? `<${escapeUrl(node.url)}>`
          : `<${escapeUrl(node.url)}|${label}>`;
    } else {
      const inner = inlineToMrkdwn(node.children);
      if (inner.trim() === "") {
        out += inner;
        return;
      }
      const marker = markers[node.tag];
      const before = edgeIsWord(nodes[index - 1], "last") ? ZERO_WIDTH_SPACE : "";
      const after = edgeIsWord(nodes[index + 1], "first") ? ZERO_WIDTH_SPACE : "";
      out += `${before}${marker}${inner}${marker}${after}`;
    }
  });
  return out;
}

const LIST_ITEM = /^(\s*)[-*+][ \t]+(.*)$/;

function blockToMrkdwn(block: Block): string {
  switch (block.kind) {
    case "code":
      // Slack ignores the language; a ``` inside the code would close the block early.
      return `\`\`\`\n${escapeMrkdwn(block.content).replaceAll("```", "`\u200b`\u200b`")}\n\`\`\``;
    case "heading":
      return block.text === "" ? "" : `*${inlineToMrkdwn(parseInline(block.text, ["b"]))}*`;
    case "quote":
      return block.lines.map((line) => `> ${inlineToMrkdwn(parseInline(line))}`).join("\n");
    case "text": {
      const item = LIST_ITEM.exec(block.text);
      if (item) return `${item[1]}• ${inlineToMrkdwn(parseInline(item[2] ?? ""))}`;
      return inlineToMrkdwn(parseInline(block.text));
    }
  }
}

/**
 * Converts model Markdown to Slack mrkdwn: bold, italic, strike, inline code, fenced code,
 * links as `<url|label>`, headings as bold lines, quotes, `-` lists as bullets; `&<>` escaped.
 *
 * @example markdownToMrkdwn("**Hi** [docs](https://x.dev) <you>") // "*Hi* <https://x.dev|docs> &lt;you&gt;"
 */
export function markdownToMrkdwn(markdown: string): string {
  return parseBlocks(markdown).map(blockToMrkdwn).join("\n");
}

/** One Slack message: its section texts (mrkdwn) and the same text joined, for `text`. */
export interface SlackMessagePart {
  text: string;
  sections: string[];
}

export interface SlackLimits {
  message: number;
  section: number;
  blocks: number;
}

const defaultLimits: SlackLimits = {
  message: SLACK_MESSAGE_LIMIT,
  section: SLACK_SECTION_LIMIT,
  blocks: SLACK_MAX_BLOCKS,
};

/**
 * Splits Markdown into Slack messages: sections of at most `section` mrkdwn characters (at blank
 * lines, then lines, then spaces; a code block only when it alone is too long, and then into
 * complete code blocks), packed into messages of at most `blocks` sections and `message`
 * characters. Blank input gives [].
 */
export function splitSlackMessage(markdown: string, limits: Partial<SlackLimits> = {}): SlackMessagePart[] {
  const { message, section, blocks } = { ...defaultLimits, ...limits };
  if (!Number.isInteger(section) || section < MIN_SPLIT_LIMIT || message < section || blocks < 1) {
    throw new RangeError(`invalid Slack limits: section ${section}, message ${message}, blocks ${blocks}`);
  }
  const sections = splitText(markdown, {
    fits: (chunk) => markdownToMrkdwn(chunk).length <= section,
    keepCodeBlocks: true,
  })
    .map(markdownToMrkdwn)
    .filter((text) => text.trim() !== "");
  const parts: SlackMessagePart[] = [];
  let current: string[] = [];
  let length = 0;
  for (const text of sections) {
    const added = current.length === 0 ? text.length : length + 1 + text.length;
    if (current.length > 0 && (added > message || current.length >= blocks)) {
      parts.push({ text: current.join("\n"), sections: current });
      current = [];
    }
    length = current.length === 0 ? text.length : length + 1 + text.length;
    current.push(text);
  }
  if (current.length > 0) parts.push({ text: current.join("\n"), sections: current });
  return parts;
}
