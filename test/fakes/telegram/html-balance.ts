/**
 * A deliberately tiny, strict checker for the HTML our formatter emits, independent of the fake's
 * full parser so the two can catch each other's mistakes: only the tags the formatter uses, each
 * closed in order, nothing inside code, no nested links or quotes, no code in a link, and no bare `<`, `>` or `&`.
 * Returns a description of the first problem, or undefined when the HTML is fine.
 */
const FORMATTER_TAGS = new Set(["b", "i", "s", "code", "pre", "a", "blockquote"]);
const TOKEN = /<(\/?)([a-z]+)((?: [a-z]+="[^"<>]*")*)>|&(?:amp|lt|gt|quot);|([<>&])/g;

export function findHtmlProblem(html: string): string | undefined {
  const open: string[] = [];
  for (const token of html.matchAll(TOKEN)) {
    const [, slash, name, , bare] = token;
    if (bare !== undefined) return `bare "${bare}" at ${token.index}`;
    if (name === undefined) continue;
    if (!FORMATTER_TAGS.has(name)) return `unknown tag <${name}> at ${token.index}`;
    if (slash) {
      const expected = open.pop();
      if (expected !== name) return `</${name}> at ${token.index} closes <${expected ?? "nothing"}>`;
      continue;
    }
    const parent = open.at(-1);
    if (parent === "code" || (parent === "pre" && name !== "code")) return `<${name}> inside <${parent}>`;
    if ((name === "a" || name === "blockquote") && open.includes(name)) return `nested <${name}>`;
    if ((name === "code" || name === "pre") && open.includes("a")) return `<${name}> inside <a>`;
    open.push(name);
  }
  return open.length > 0 ? `unclosed <${open.join("><")}>` : undefined;
}
