/**
 * PostgreSQL refuses some text that JavaScript strings hold without complaint: U+0000 in `text`
 * ("invalid byte sequence for encoding UTF8: 0x00") and in `jsonb`, and lone UTF-16 surrogates in
 * `jsonb` (in `text` the UTF-8 encoder already turns them into U+FFFD). Such characters arrive
 * from chat platforms, model replies, tool arguments and tool output, and one of them must not
 * fail a turn. So every free-text and JSON column is written through these functions (see
 * `schema/columns.ts`): each unstorable character becomes U+FFFD, the rest is kept as it is.
 */

const replacement = "\uFFFD";
const anySurrogate = /[\ud800-\udfff]/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** In JSON text: an escaped NUL or surrogate (`JSON.stringify` escapes exactly the lone ones). */
const escapedUnstorable = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** `value` with U+0000 and lone surrogates replaced by U+FFFD; the same string when clean. */
export function cleanText(value: string): string {
  const hasNul = value.includes("\0");
  const hasSurrogate = anySurrogate.test(value);
  if (!hasNul && !hasSurrogate) return value;
  const withoutNul = hasNul ? value.replaceAll("\0", replacement) : value;
  return hasSurrogate ? withoutNul.replace(loneSurrogate, replacement) : withoutNul;
}

/** A JSON-compatible value with every string (object keys too) passed through `cleanText`. */
export function cleanJson(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanJson);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [cleanText(key), cleanJson(entry)]),
    );
  }
  return value;
}

/** The JSON text PostgreSQL's `jsonb` accepts for `value`. */
export function toStorableJson(value: unknown): string {
  const json = JSON.stringify(value);
  // The common case is one stringify; the escape test can only over-match (an escaped backslash
  // followed by "u0000"), and then the value is simply cleaned for nothing.
  return escapedUnstorable.test(json) ? JSON.stringify(cleanJson(value)) : json;
}
