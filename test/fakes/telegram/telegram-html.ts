/**
 * Parses `parse_mode: "HTML"` text the way the Bot API does: only the documented tags, balanced
 * and properly nested, entities decoded. Returns the text the user would see (what Telegram
 * measures against the 4096 limit) or an error worded like the part of Telegram's 400 after "can't parse entities: ".
 *
 * Where Telegram's exact behaviour is unclear this is stricter, so a formatter bug shows up in
 * tests rather than in production: no tags inside `code`/`pre` (except `<pre><code>`), no link
 * or code inside a link, no blockquote inside a blockquote. Like Telegram it tolerates a bare `>` and a
 * bare `&` that does not start an entity.
 */

export type HtmlParseResult = { ok: true; text: string } | { ok: false; error: string };

const SUPPORTED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const ENTITY = /&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/y;
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*>/y;
const ATTRIBUTE = /([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

function byteOffset(html: string, index: number): number {
  return new TextEncoder().encode(html.slice(0, index)).length;
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith("#")) {
    const code =
      body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[body];
}

function attributesOf(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const raw = match[2] ?? match[3] ?? match[4] ?? "";
    attributes.set((match[1] ?? "").toLowerCase(), raw.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
  }
  return attributes;
}

/** Why an opening tag may not appear here, or undefined when it may. */
function nestingError(name: string, attributes: Map<string, string>, open: string[]): string | undefined {
  const parent = open.at(-1);
  if (parent === "code" || (parent === "pre" && name !== "code")) {
    return `Can't use tag "${name}" inside "${parent}"`;
  }
  if ((name === "a" || name === "code" || name === "pre") && open.includes("a")) {
    return `Can't use tag "${name}" inside "a"`;
  }
  if (name === "blockquote" && open.includes("blockquote")) return `Can't nest "blockquote" tags`;
  if (name === "span" && attributes.get("class") !== "tg-spoiler") {
    return `Tag "span" must have class "tg-spoiler"`;
  }
  if (name === "a" && !attributes.get("href")) return `Tag "a" must have attribute "href"`;
  return undefined;
}

export function parseTelegramHtml(html: string): HtmlParseResult {
  const open: string[] = [];
  let text = "";
  let index = 0;
  const fail = (error: string): HtmlParseResult => ({ ok: false, error });
  while (index < html.length) {
    const char = html[index] ?? "";
    if (char === "&") {
      ENTITY.lastIndex = index;
      const entity = ENTITY.exec(html);
      const decoded = entity ? decodeEntity(entity[1] ?? "") : undefined;
      if (entity && decoded !== undefined) {
        text += decoded;
        index = ENTITY.lastIndex;
        continue;
      }
    }
    if (char !== "<") {
      text += char;
      index++;
      continue;
    }
    const at = byteOffset(html, index);
    TAG.lastIndex = index;
    const tag = TAG.exec(html);
    if (!tag) {
      const name = /^<\/?([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(index, index + 40))?.[1];
      if (name === undefined) return fail(`Unexpected end of name token at byte offset ${at}`);
      if (!SUPPORTED_TAGS.has(name.toLowerCase()))
        return fail(`Unsupported start tag "${name}" at byte offset ${at}`);
      return fail(`Unclosed start tag at byte offset ${at}`);
    }
    const closing = tag[1] === "/";
    const name = (tag[2] ?? "").toLowerCase();
    index = TAG.lastIndex;
    if (!SUPPORTED_TAGS.has(name)) {
      return fail(`Unsupported ${closing ? "end" : "start"} tag "${name}" at byte offset ${at}`);
    }
    if (closing) {
      const expected = open.pop();
      if (expected === undefined) return fail(`Unexpected end tag at byte offset ${at}`);
      if (expected !== name) {
        return fail(`Unmatched end tag at byte offset ${at}, expected "</${expected}>", found "</${name}>"`);
      }
      continue;
    }
    const problem = nestingError(name, attributesOf(tag[3] ?? ""), open);
    if (problem) return fail(`${problem} at byte offset ${at}`);
    open.push(name);
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed}"`);
  return { ok: true, text };
}
