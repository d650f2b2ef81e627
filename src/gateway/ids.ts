/**
 * Validation of the ids clients pass in (thread ids, message ids, approval ids), in a body, a
 * query or a path. An id goes into database text columns and log lines: U+0000 is refused by
 * PostgreSQL outright, other control characters and broken UTF-16 corrupt what is stored or
 * logged. So a malformed id is the client's mistake and gets a 400 naming the field, before any
 * database call can turn it into a 500.
 */
import { badRequest } from "./json-body.ts";

export const maxIdLength = 200;

// C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The id, or a 400 response naming `field`. */
export function checkId(value: unknown, field: string): string | Response {
  if (typeof value !== "string" || value.trim() === "" || value.length > maxIdLength) {
    return badRequest(
      "invalid_request",
      `${field} must be a non-empty string of at most ${maxIdLength} characters`,
    );
  }
  const control = controlCharacter.exec(value);
  if (control) {
    return badRequest(
      "invalid_request",
      `${field} must not contain control characters (found ${codePointName(control[0])} at position ${control.index})`,
    );
  }
  if (loneSurrogate.test(value)) {
    return badRequest("invalid_request", `${field} must be valid Unicode text`);
  }
  return value;
}

/** Like `checkId`, but absent (undefined or null) is allowed and returns undefined. */
export function checkOptionalId(value: unknown, field: string): string | Response | undefined {
  return value === undefined || value === null ? undefined : checkId(value, field);
}
