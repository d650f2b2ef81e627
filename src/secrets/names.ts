/**
 * The grammar of a secret name. Names appear in CLI arguments, tool parameters written by the
 * model, log lines and one-time links, so they are kept to a shell- and URL-safe alphabet: a
 * letter, then letters, digits, `_`, `-` or `.`, at most 64 characters (TELEGRAM_BOT_TOKEN,
 * github_token, openai.work). A refused name is echoed back only as JSON, so control characters
 * in it cannot forge a terminal line.
 */
import { SecretInputError } from "./errors.ts";

const namePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export function isValidSecretName(name: string): boolean {
  return namePattern.test(name);
}

/** Returns `name` when it fits the grammar, else throws SecretInputError saying what is allowed. */
export function checkSecretName(name: string): string {
  if (isValidSecretName(name)) return name;
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  throw new SecretInputError(
    `invalid secret name ${shown}: use a letter followed by letters, digits, "_", "-" or "." (at most 64 characters)`,
  );
}
