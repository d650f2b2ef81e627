/**
 * Which inbound messages the host refuses instead of passing them to the model, and what it tells
 * the owner. The verdict is stored on the message row when the message is stored, so no turn can
 * ever pick a refused message up as history (a 1 MB paste answered "too long" was replayed into
 * every later LLM request of its thread); refused rows stay in the table for the audit trail.
 */
import type { MessageRefusal } from "../db/schema/index.ts";

export function refusalOf(
  content: string,
  unsupported: boolean,
  maxMessageChars: number,
): MessageRefusal | undefined {
  if (unsupported) return "unsupported";
  const length = content.trim().length;
  if (length === 0) return "empty";
  if (length > maxMessageChars) return "too_long";
  return undefined;
}

export function refusalNotice(refusal: MessageRefusal, content: string, maxMessageChars: number): string {
  switch (refusal) {
    case "unsupported":
      return "Sorry, I can only read text messages for now (no stickers, voice or files).";
    case "empty":
      return "Your message was empty — send me some text.";
    case "too_long":
      return `Your message is ${content.trim().length} characters long; the limit is ${maxMessageChars}. Please send it shorter or in parts.`;
    case "secret":
      return "Your message looks like it contains a key or password, so I did not pass it on to the model (it is kept with the key removed). To give me a secret, run `ironclaw secrets set NAME` on the machine I run on; I only ever use it by name.";
  }
}
