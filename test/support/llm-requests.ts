import type { RecordedRequest } from "../fakes/llm/scripted-server.ts";

export interface SentMessage {
  role: string;
  content: string;
  tool_call_id?: string;
}

/** The minute an owner message was sent, which the host puts in front of it (src/agent/history.ts). */
export const sentTimeStamp = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] /;

/**
 * The chat messages an OpenAI-style request carried (empty when there was no such request), each
 * owner message without its leading time stamp, so tests compare what the owner wrote; the stamp
 * itself is asserted on the raw body in test/agent/prompt-cache.test.ts.
 */
export function sentMessages(request: RecordedRequest | undefined): SentMessage[] {
  const messages = request?.body.messages;
  if (!Array.isArray(messages)) return [];
  return (messages as SentMessage[]).map((message) =>
    message.role === "user" && typeof message.content === "string"
      ? { ...message, content: message.content.replace(sentTimeStamp, "") }
      : message,
  );
}
