/**
 * What the memory tools need from the host, and nothing more: search, read, list, and where
 * today's daily note is. Writes go through the call's `workspace` capability instead (which the
 * host serves from the same documents), so the pipeline's guard on system-prompt files applies
 * to them unchanged. The host's memory (src/memory/memory.ts) satisfies this shape.
 */
export interface MemorySearchHit {
  path: string;
  position: number;
  snippet: string;
  score: number;
}

export interface MemoryPort {
  search(request: {
    query: string;
    limit?: number;
    pathPrefix?: string;
    since?: Date;
    until?: Date;
  }): Promise<{ hits: MemorySearchHit[]; mode: string; warnings: string[] }>;
  read(path: string): Promise<string>;
  /** The document at `path`, or undefined when there is none (a refused path throws). */
  get(path: string): Promise<{ content: string } | undefined>;
  tree(prefix?: string): Promise<{ path: string; bytes: number; updatedAt: Date }[]>;
  /** `daily/YYYY-MM-DD.md` for `at` in the owner's timezone. */
  dailyNotePath(at: Date): string;
}

/** A refused path or missing document: its message is for the model. Anything else is rethrown. */
export function inputFailure(error: unknown): { content: string; isError: true } {
  const code = (error as { code?: unknown; name?: unknown }) ?? {};
  if (code.code === "invalid_input" || code.name === "WorkspacePathError") {
    return { content: (error as Error).message, isError: true };
  }
  throw error;
}
