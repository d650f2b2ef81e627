/**
 * Memory as the host uses it, assembled in one place so the composition root (src/host/host.ts)
 * stays a few lines: the memory itself (embedder from EMBEDDING_*), the one-time import of the
 * workspace folder, the memory tools, the tools' `workspace` capability served from the
 * documents, the system prompt read from them, and the compaction hook that keeps what a
 * summary drops.
 */

import { createMemoryTools } from "../../tools/memory/index.ts";
import type { Config } from "../config.ts";
import type { ChangeFeed } from "../db/change-feed.ts";
import type { DatabaseHandle } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { createCompactionNotes } from "./compaction-notes.ts";
import { createConfiguredEmbedder } from "./embedding-config.ts";
import { createMemory } from "./memory.ts";
import { createMemorySystemPrompt } from "./system-prompt.ts";
import { importWorkspaceOnce } from "./workspace-files.ts";
import { createMemoryWorkspacePort } from "./workspace-port.ts";

export interface HostMemoryOptions {
  config: Config;
  database: DatabaseHandle;
  log: Logger;
  now?: () => Date;
}

export async function startHostMemory(options: HostMemoryOptions) {
  const { config, database, log } = options;
  const memory = await createMemory({
    database,
    embedder: createConfiguredEmbedder(config),
    log,
    timezone: config.timezone,
    now: options.now,
  });
  const imported = await importWorkspaceOnce(memory, database.db, config.workspaceDir);
  if (imported && imported.imported.length > 0) {
    log.info("workspace imported into memory", { documents: imported.imported.length });
  }
  for (const skipped of imported?.skipped ?? []) log.warn("workspace file not imported", skipped);
  return {
    memory,
    tools: createMemoryTools(memory),
    workspace: createMemoryWorkspacePort(memory),
    /** The system prompt from the documents, cached until a prompt file changes (`changes`). */
    systemPrompt: (changes: ChangeFeed) => createMemorySystemPrompt(database.db, { changes }),
    beforeCompaction: createCompactionNotes(memory),
    stop: () => memory.stop(),
  };
}
