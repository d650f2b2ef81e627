/**
 * Keeps secret values out of log lines. Secrets reach the log by routes nobody planned: an
 * OpenAI-compatible server answering 401 with the very key it was sent, a URL with a password in
 * an error message, a token inside an error's cause. So the logger does not trust its callers: it
 * replaces every known secret in the finished line, wherever it sits (message, fields, error
 * messages, stacks, nested causes).
 *
 * Each value is also matched in its JSON-escaped and URL-encoded forms, since a line may carry it
 * inside a serialized body or a query string. Values shorter than `minimumSecretLength` are
 * ignored: replacing "abc" everywhere would mangle ordinary words and protect nothing.
 */
export const redactionMarker = "[REDACTED]";
export const minimumSecretLength = 6;

export interface SecretRedactor {
  /** Adds values to hide from now on (unset and too-short values are skipped). */
  add(values: Iterable<string | undefined>): void;
  /** `text` with every known secret replaced by the marker. */
  redact(text: string): string;
}

function formsOf(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be URL-encoded; the raw and JSON forms are still covered.
  }
  return [...forms];
}

export function createSecretRedactor(initial: Iterable<string | undefined> = []): SecretRedactor {
  // Longest first, so a secret that contains another is replaced whole.
  let patterns: string[] = [];

  const redactor: SecretRedactor = {
    add(values) {
      const next = new Set(patterns);
      for (const value of values) {
        if (typeof value !== "string" || value.length < minimumSecretLength) continue;
        for (const form of formsOf(value)) next.add(form);
      }
      patterns = [...next].sort((left, right) => right.length - left.length);
    },
    redact(text) {
      let result = text;
      for (const pattern of patterns) {
        if (result.includes(pattern)) result = result.replaceAll(pattern, redactionMarker);
      }
      return result;
    },
  };
  redactor.add(initial);
  return redactor;
}
