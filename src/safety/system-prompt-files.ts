/**
 * The workspace files that become the system prompt (AGENTS.md, SOUL.md, USER.md, MEMORY.md,
 * HEARTBEAT.md). A tool that writes one rewrites the assistant's instructions for every later
 * turn, which makes these writes the prize of a prompt injection. So: a call whose parameters
 * name one of them always needs the owner's approval (the approval tier, src/approvals/policy.ts),
 * the workspace port refuses a write to one from a call nobody approved (a path the tool built
 * itself), and a write carrying injection markers is refused even when approved.
 */
import { posix } from "node:path";
import type { WorkspacePort } from "../plugin/ports/workspace-port.ts";
import { WorkspacePathError } from "../plugin/ports/workspace-port.ts";
import { injectionMarkersOf } from "./injection.ts";

export const systemPromptFiles = ["AGENTS.md", "SOUL.md", "USER.md", "MEMORY.md", "HEARTBEAT.md"] as const;
const lowerNames = new Set<string>(systemPromptFiles.map((name) => name.toLowerCase()));

/** True for a workspace-relative path that lands on a system-prompt file (any case, `./`, `a/..`). */
export function isSystemPromptFile(path: string): boolean {
  const normalized = posix.normalize(path.replaceAll("\\", "/")).replace(/^(\.\/)+/, "");
  return lowerNames.has(normalized.toLowerCase());
}

function stringsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, into);
  else if (value !== null && typeof value === "object")
    for (const item of Object.values(value)) stringsOf(item, into);
  return into;
}

/** The system-prompt files a call's parameters name (any string value, at any depth). */
export function systemPromptFilesNamedIn(params: Record<string, unknown>): string[] {
  return stringsOf(params).filter(isSystemPromptFile);
}

/** Injection markers in any string of `params` (empty when clean). */
export function injectionMarkersInParams(params: Record<string, unknown>): string[] {
  return [...new Set(stringsOf(params).flatMap(injectionMarkersOf))];
}

/** The refusal for writing `content` to system-prompt file `path`, or null when it may go ahead. */
export function systemFileWriteRefusal(path: string, content: string, approved: boolean): string | null {
  if (!isSystemPromptFile(path)) return null;
  const markers = injectionMarkersOf(content);
  if (markers.length > 0) {
    return `Refused to write "${path}": it forms the system prompt and the text carries injection markers (${markers.join(", ")}).`;
  }
  if (!approved)
    return `Refused to write "${path}": it forms the system prompt, so writing it needs the owner's approval.`;
  return null;
}

/** `workspace` whose writes to system-prompt files follow `systemFileWriteRefusal`. */
export function guardSystemPromptFiles(workspace: WorkspacePort, approved: boolean): WorkspacePort {
  return {
    read: (path) => workspace.read(path),
    async write(path, content) {
      const refusal = systemFileWriteRefusal(path, content, approved);
      if (refusal !== null) throw new WorkspacePathError(refusal);
      await workspace.write(path, content);
    },
  };
}
