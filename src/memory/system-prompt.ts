/**
 * The system prompt from the workspace documents in the database (AGENTS.md, SOUL.md, USER.md,
 * MEMORY.md), composed exactly like the file-based builder (src/agent/workspace.ts) plus one
 * short note on when to search memory. It is cached until a prompt file changes in any process
 * (`ironclaw memory import`, an approved memory_write), so the next turn shows the edit; the
 * text depends on nothing else, so it stays byte-identical between turns and the provider can
 * serve it from its prompt cache.
 */
import { composeSystemPrompt, meaningfulText, workspaceFiles } from "../agent/workspace.ts";
import type { ChangeFeed } from "../db/change-feed.ts";
import type { Database } from "../db/client.ts";
import { getMemoryDocuments } from "../db/memory-documents.ts";

export const memorySearchNote =
  "Memory: before answering about earlier conversations, the owner's preferences, people, plans or " +
  "decisions, call memory_search. Save lasting facts with memory_write (append to the daily note " +
  "daily/<date>.md, or to MEMORY.md with the owner's approval).";

export interface MemorySystemPromptOptions {
  searchNote?: boolean;
  /**
   * With a live feed the composed prompt is cached until a prompt file changes (in any process:
   * memory.ts announces `memory_documents`), so a turn costs no extra round trip; without one,
   * or while it is not live, every call reads through.
   */
  changes?: ChangeFeed;
}

export function createMemorySystemPrompt(db: Database, options: MemorySystemPromptOptions = {}) {
  const cleaned = new Map<string, { hash: string; text: string }>();
  let cached: string | undefined;
  let generation = 0;
  options.changes?.onChange("memory_documents", () => {
    cached = undefined;
    generation++;
  });
  const compose = async (): Promise<string> => {
    const documents = await getMemoryDocuments(db, workspaceFiles);
    const byPath = new Map(documents.map((document) => [document.path, document]));
    const read = (name: string): string => {
      const document = byPath.get(name);
      if (!document) return "";
      const known = cleaned.get(name);
      if (known?.hash === document.contentHash) return known.text;
      const text = meaningfulText(document.content);
      cleaned.set(name, { hash: document.contentHash, text });
      return text;
    };
    return composeSystemPrompt(read, options.searchNote === false ? [] : [memorySearchNote]);
  };
  return async function memorySystemPrompt(): Promise<string> {
    if (cached !== undefined && options.changes?.live) return cached;
    const live = options.changes?.live ?? false;
    const before = generation;
    const prompt = await compose();
    // Cache only what was read while listening and with no change announced meanwhile.
    if (live && generation === before) cached = prompt;
    return prompt;
  };
}
