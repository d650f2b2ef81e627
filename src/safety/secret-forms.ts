/**
 * The shapes an exact secret value takes on its way out: as it is, base64 (standard and
 * URL-safe, with and without padding), URL-encoded and hex (both cases). A model told "never
 * print the key" can still be talked into encoding it, so the detector looks for every form.
 * Values shorter than `minimumSecretLength` are skipped, as in the log redactor: matching "abc"
 * everywhere would mangle ordinary text and protect nothing.
 */
import { minimumSecretLength } from "../log-redact.ts";

export function formsOfSecret(value: string): string[] {
  if (value.length < minimumSecretLength) return [];
  const bytes = Buffer.from(value, "utf8");
  const base64 = bytes.toString("base64");
  const hex = bytes.toString("hex");
  const forms = new Set([
    value,
    base64,
    base64.replace(/=+$/, ""),
    bytes.toString("base64url"),
    hex,
    hex.toUpperCase(),
    JSON.stringify(value).slice(1, -1),
  ]);
  try {
    forms.add(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be URL-encoded; the other forms are still covered.
  }
  return [...forms].filter((form) => form.length >= minimumSecretLength);
}
