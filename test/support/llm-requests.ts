import type { RecordedRequest } from "../fakes/llm/scripted-server.ts";

export interface SentMessage {
  role: string;
  content: string;
  tool_call_id?: string;
}

/** The chat messages an OpenAI-style request carried (empty when there was no such request). */
export function sentMessages(request: RecordedRequest | undefined): SentMessage[] {
  const messages = request?.body.messages;
  return Array.isArray(messages) ? (messages as SentMessage[]) : [];
}
