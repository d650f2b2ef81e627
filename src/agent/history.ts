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
  type HistoryRange,
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

/**
 * The time rides in the user messages, at minute resolution, instead of the system prompt: each
 * message carries the minute it arrived, so the newest one tells the model the current time and
 * the older ones stay byte-identical from turn to turn (the provider can cache the prefix).
 */
export function stampedContent(content: string, receivedAt: Date): string {
  return `[${receivedAt.toISOString().slice(0, 16).replace("T", " ")} UTC] ${content}`;
}

/**
 * `stamped` adds the time to owner messages. The compaction budget is measured without the
 * stamps (they are host metadata of a few tokens each, not conversation), and the summary
 * transcript does without them.
 */
function toChatMessage(message: StoredMessage, stamped = false): ChatMessage | undefined {
  if (message.direction === "inbound") {
    const content = stamped ? stampedContent(message.content, message.createdAt) : message.content;
    return { role: "user", content };
  }
  if (message.role === "assistant") return { role: "assistant", content: message.content };
  return undefined; // host notices are for the owner, not the model
}

export interface HistoryOptions {
  /** Compact when the history is estimated above this many tokens. */
  budgetTokens: number;
  llm?: LlmClient;
  /** The messages of `historyRange` already read (with the turn's start); read here otherwise. */
  stored?: StoredMessage[];
  /**
   * Runs after the summary is made and before it replaces the older messages (src/memory/
   * compaction-notes.ts keeps their durable facts and transcript in memory); a throw cancels
   * the compaction, so nothing is dropped that was not kept.
   */
  beforeCompaction?: (compaction: Compaction) => Promise<void>;
}

/** What one compaction covers: the stored messages `fromSequence`..`throughSequence`. */
export interface Compaction {
  conversationId: string;
  fromSequence: number;
  throughSequence: number;
  /** How many stored messages it covers. */
  messageCount: number;
  summary: string;
  /** The covered exchange as `role: text` lines. */
  transcript: string;
}

/** Which stored messages the history of a turn answering `through` is built from. */
export function historyRange(conversation: Conversation, through: StoredMessage): HistoryRange {
  return { after: conversation.summaryThrough ?? 0, through: through.sequence ?? 0, limit: 400 };
}

export async function buildHistory(
  db: Database,
  conversation: Conversation,
  through: StoredMessage,
  options: HistoryOptions,
): Promise<ChatMessage[]> {
  let summary = conversation.summary;
  let summaryThrough = conversation.summaryThrough ?? 0;
  const stored =
    options.stored ?? (await listHistoryMessages(db, conversation.id, historyRange(conversation, through)));
  let recentStored = stored;
  const withSummary = (stamped = false): ChatMessage[] => {
    const recent = recentStored.flatMap((message) => toChatMessage(message, stamped) ?? []);
    return summary
      ? [{ role: "user" as const, content: `Summary of the earlier conversation:\n${summary}` }, ...recent]
      : recent;
  };

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
      await options.beforeCompaction?.({
        conversationId: conversation.id,
        fromSequence: older[0]?.sequence ?? last.sequence,
        throughSequence: last.sequence,
        messageCount: older.length,
        summary,
        transcript,
      });
      await saveConversationSummary(db, conversation.id, summary, summaryThrough);
      recentStored = stored.slice(stored.length - keep);
    }
  }
  return withSummary(true);
}
