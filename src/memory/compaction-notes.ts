/**
 * Nothing is lost at compaction. Before the older part of a conversation is replaced by its
 * summary (src/agent/history.ts), two things go to memory: the summary — the durable facts,
 * decisions and open tasks the model itself picked out — appended to today's daily note under a
 * heading naming the conversation and the messages it covers; and the verbatim transcript of
 * those messages, at `conversations/<id>/<from>-<through>.md`, so a detail the summary left out
 * is still found by memory_search. Both are written before the summary is stored: if memory
 * cannot be written the compaction does not happen.
 */
import type { Compaction } from "../agent/history.ts";
import type { Memory } from "./memory.ts";
import { maxDocumentBytes } from "./paths.ts";

export function archivePathOf(compaction: Compaction): string {
  return `conversations/${compaction.conversationId}/${compaction.fromSequence}-${compaction.throughSequence}.md`;
}

/** Cuts `text` to at most `bytes` UTF-8 bytes, on a character boundary. */
function truncateBytes(text: string, bytes: number): string {
  const encoded = Buffer.from(text, "utf8");
  if (encoded.length <= bytes) return text;
  return `${encoded
    .subarray(0, bytes - 64)
    .toString("utf8")
    .replace(/\uFFFD$/, "")}\n… (truncated)`;
}

export function createCompactionNotes(memory: Memory) {
  return async function keepCompactedFacts(compaction: Compaction): Promise<void> {
    const archive = archivePathOf(compaction);
    const header =
      `# Conversation ${compaction.conversationId}, messages ${compaction.fromSequence}–${compaction.throughSequence}\n` +
      `(${compaction.messageCount} messages, compacted)\n\n`;
    await memory.write(archive, truncateBytes(`${header}${compaction.transcript}\n`, maxDocumentBytes));
    await memory.appendDailyNote(
      `Conversation ${compaction.conversationId}, messages ${compaction.fromSequence}–${compaction.throughSequence} (transcript: ${archive}):\n${compaction.summary}`,
      "compaction",
    );
  };
}
