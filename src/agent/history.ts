/**
 * The conversation history sent to the LLM: the stored messages up to the one being answered,
 * after a summary of anything older that was compacted. Only the exchanges the model took part
 * in are sent: refused messages (a 1 MB paste answered "too long"), commands and host notices
 * stay in the database for the audit trail and are never replayed to the model. When the
 * history nears the context budget, the older part is summarized by the model and the summary is
 * kept on the conversation, so later turns send the summary instead of the full text.
 */

import type { Database } from "../db/client.ts";
import {
  type Conversation,
  listHistoryMessages,
  type StoredMessage,
  saveConversationSummary,
} from "../db/conversations.ts";
import type { ChatMessage, LlmClient } from "../llm/types.ts";

/** Rough token estimate (4 characters a token): good enough to decide when to compact. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) characters += message.content.length + 16;
  return Math.ceil(characters / 4);
}

function toChatMessage(message: StoredMessage): ChatMessage | undefined {
  if (message.direction === "inbound") return { role: "user", content: message.content };
  if (message.role === "assistant") return { role: "assistant", content: message.content };
  return undefined; // host notices are for the owner, not the model
}

export interface HistoryOptions {
  /** Compact when the history is estimated above this many tokens. */
  budgetTokens: number;
  llm?: LlmClient;
}

export async function buildHistory(
  db: Database,
  conversation: Conversation,
  through: StoredMessage,
  options: HistoryOptions,
): Promise<ChatMessage[]> {
  let summary = conversation.summary;
  let summaryThrough = conversation.summaryThrough ?? 0;
  const stored = await listHistoryMessages(db, conversation.id, {
    after: summaryThrough,
    through: through.sequence ?? 0,
    limit: 400,
  });
  let recent = stored.flatMap((message) => toChatMessage(message) ?? []);
  const withSummary = () =>
    summary
      ? [{ role: "user" as const, content: `Summary of the earlier conversation:\n${summary}` }, ...recent]
      : recent;

  if (options.llm && estimateTokens(withSummary()) > options.budgetTokens && stored.length > 4) {
    const keep = Math.max(2, Math.floor(stored.length / 2));
    const older = stored.slice(0, stored.length - keep);
    const last = older.at(-1);
    const transcript = older
      .flatMap((message) => toChatMessage(message) ?? [])
      .map((message) => `${message.role}: ${message.content}`)
      .join("\n");
    const response = await options.llm.chat({
      messages: [
        {
          role: "system",
          content:
            "Summarize this conversation for your own later reference: facts, decisions, open tasks. Be concise.",
        },
        { role: "user", content: `${summary ? `Earlier summary:\n${summary}\n\n` : ""}${transcript}` },
      ],
      maxTokens: 800,
    });
    if (response.text.trim() && last?.sequence) {
      summary = response.text.trim();
      summaryThrough = last.sequence;
      await saveConversationSummary(db, conversation.id, summary, summaryThrough);
      recent = stored.slice(stored.length - keep).flatMap((message) => toChatMessage(message) ?? []);
    }
  }
  return withSummary();
}
