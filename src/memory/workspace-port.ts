/**
 * The tools' `workspace` capability served from memory documents instead of files: the same
 * contract (src/plugin/ports/workspace-port.ts), so the host's guards wrap it unchanged — the
 * pipeline's system-prompt step refuses writes to AGENTS.md & co. unless the owner approved the
 * stored call. A refused path or a missing document is a `WorkspacePathError` for the model.
 */
import { WorkspacePathError, type WorkspacePort } from "../plugin/ports/workspace-port.ts";
import type { Memory } from "./memory.ts";
import { MemoryInputError } from "./paths.ts";

async function asWorkspaceError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MemoryInputError) throw new WorkspacePathError(error.message);
    throw error;
  }
}

export function createMemoryWorkspacePort(memory: Memory): WorkspacePort {
  return {
    read: (path) => asWorkspaceError(() => memory.read(path)),
    write: (path, content) =>
      asWorkspaceError(async () => {
        await memory.write(path, content);
      }),
  };
}
