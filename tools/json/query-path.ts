/**
 * A deliberately small path language for picking one value out of a JSON document. Models write
 * JSONPath-ish strings by habit, so the common shapes work; anything fancier (wildcards, filters)
 * is a syntax error with a position rather than a silent wrong answer.
 *
 * Syntax:
 *   a.b.c             object keys, separated by dots
 *   items[0].name     array index in brackets; negative counts from the end (items[-1])
 *   ["odd.key"]       a quoted key for names with dots, brackets or spaces (single quotes work too)
 *   $ or $.a          an optional leading `$` (the root), as in JSONPath
 *   "" (empty)        the whole document
 * Only own properties are reachable, so `constructor` or `__proto__` never leak prototype members.
 */

export type PathSegment = { kind: "key"; key: string } | { kind: "index"; index: number };

export class QueryError extends Error {}

export function parseQuery(query: string): PathSegment[] {
  const text = query.trim();
  const segments: PathSegment[] = [];
  let position = text.startsWith("$") ? 1 : 0;
  let expectKey = position === 0;
  while (position < text.length) {
    const character = text[position];
    if (character === "[") {
      const close = findClosingBracket(text, position);
      segments.push(parseBracket(text.slice(position + 1, close), position));
      position = close + 1;
    } else if (character === "." || expectKey) {
      if (character === ".") position += 1;
      const match = /^[^.[\]]+/.exec(text.slice(position));
      if (!match) throw new QueryError(`expected a key name at position ${position + 1} of "${text}"`);
      segments.push({ kind: "key", key: match[0] });
      position += match[0].length;
    } else {
      throw new QueryError(`unexpected "${character}" at position ${position + 1} of "${text}"`);
    }
    expectKey = false;
  }
  return segments;
}

function findClosingBracket(text: string, start: number): number {
  const quote = text[start + 1];
  if (quote === '"' || quote === "'") {
    const endQuote = text.indexOf(quote, start + 2);
    if (endQuote !== -1 && text[endQuote + 1] === "]") return endQuote + 1;
  } else {
    const close = text.indexOf("]", start);
    if (close !== -1) return close;
  }
  throw new QueryError(`unclosed "[" at position ${start + 1} of "${text}"`);
}

function parseBracket(inside: string, position: number): PathSegment {
  const quote = inside[0];
  if ((quote === '"' || quote === "'") && inside.endsWith(quote) && inside.length >= 2) {
    return { kind: "key", key: inside.slice(1, -1) };
  }
  if (/^-?\d+$/.test(inside.trim())) return { kind: "index", index: Number(inside.trim()) };
  throw new QueryError(
    `"[${inside}]" at position ${position + 1} is neither an array index nor a quoted key`,
  );
}

/** Renders segments back to the query syntax, for error messages ("no key at items[2]"). */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = "$";
  for (const segment of segments) {
    if (segment.kind === "index") path += `[${segment.index}]`;
    else
      path += /^[A-Za-z_$][\w$-]*$/.test(segment.key)
        ? `.${segment.key}`
        : `[${JSON.stringify(segment.key)}]`;
  }
  return path;
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Walks the path; throws QueryError naming the deepest path that exists and what it holds. */
export function selectPath(document: unknown, segments: readonly PathSegment[]): unknown {
  let current = document;
  for (const [depth, segment] of segments.entries()) {
    const where = formatPath(segments.slice(0, depth));
    if (segment.kind === "index") {
      if (!Array.isArray(current)) {
        throw new QueryError(
          `cannot take index [${segment.index}] of ${where}: it is ${describeKind(current)}`,
        );
      }
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      if (index < 0 || index >= current.length) {
        throw new QueryError(
          `index [${segment.index}] is out of range: ${where} is ${describeKind(current)}`,
        );
      }
      current = current[index];
    } else {
      if (current === null || typeof current !== "object" || Array.isArray(current)) {
        throw new QueryError(`cannot read key "${segment.key}" of ${where}: it is ${describeKind(current)}`);
      }
      if (!Object.hasOwn(current, segment.key)) {
        const keys = Object.keys(current);
        const shown = keys.slice(0, 20).join(", ") + (keys.length > 20 ? ", …" : "");
        throw new QueryError(`no key "${segment.key}" in ${where} (its keys: ${shown || "none"})`);
      }
      current = (current as Record<string, unknown>)[segment.key];
    }
  }
  return current;
}
