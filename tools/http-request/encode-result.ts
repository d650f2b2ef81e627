/**
 * The cap on what the model receives applies to the final text: the result is JSON, and JSON
 * escaping can make a body longer than the bytes it came from (a quote becomes two characters, a
 * control character six). So the body is cut until the *encoded* result fits, keeping as much
 * of it as fits (a binary search over the prefix length; an encoded prefix only grows with its
 * length), never splitting a surrogate pair, and the result says it was cut.
 */

function encode(fields: Record<string, unknown>, body: string, note: string | undefined): string {
  return JSON.stringify({ ...fields, body, ...(note === undefined ? {} : { truncated: true, note }) });
}

function cutAt(body: string, length: number): string {
  const last = body.charCodeAt(length - 1);
  return body.slice(0, length > 0 && last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/**
 * `fields` plus `body` as JSON of at most `maxChars` characters when that is possible by cutting
 * the body. `note` says why the body is already incomplete (the byte cap), if it is.
 */
export function encodeWithinCap(
  fields: Record<string, unknown>,
  body: string,
  note: string | undefined,
  maxChars: number,
): string {
  const whole = encode(fields, body, note);
  if (whole.length <= maxChars) return whole;
  const cutNote = `Body cut to fit the ${maxChars}-character limit of a tool result.`;
  let low = 0;
  let high = body.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (encode(fields, cutAt(body, middle), cutNote).length <= maxChars) low = middle;
    else high = middle - 1;
  }
  return encode(fields, cutAt(body, low), cutNote);
}
