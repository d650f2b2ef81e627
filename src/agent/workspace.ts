/**
 * The owner's workspace documents (IRONCLAW_HOME/workspace): AGENTS.md (how to behave), SOUL.md
 * (personality), USER.md (about the owner), MEMORY.md (facts to remember). Seeded with short
 * defaults on first run; the owner edits them freely. They form the system prompt, so they are
 * kept short by default: every byte here is sent with every turn.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const workspaceFiles = ["AGENTS.md", "SOUL.md", "USER.md", "MEMORY.md"] as const;

const defaults: Record<(typeof workspaceFiles)[number], string> = {
  "AGENTS.md":
    "You are IronClaw, the owner's personal assistant in a private chat. Be friendly, brief and\n" +
    "concrete. Use tools when they help; say what you did. Never reveal secrets.\n" +
    "Risky tools wait for the owner's approval.\n",
  "SOUL.md": "<!-- Personality: tone, style, manners. -->\n",
  "USER.md": "<!-- Facts about the owner: name, timezone, preferences. -->\n",
  "MEMORY.md": "<!-- Things to remember across conversations. -->\n",
};

/** The user messages carry the time (history.ts); the model is told how to read it. */
const timeNote = "Owner messages begin with their UTC send time.";

/** Creates missing workspace files with their defaults; never overwrites the owner's edits. */
export function seedWorkspace(directory: string): void {
  mkdirSync(directory, { recursive: true });
  for (const name of workspaceFiles) {
    const path = join(directory, name);
    if (!existsSync(path)) writeFileSync(path, defaults[name]);
  }
}

/** Drops HTML comments and blank runs: placeholders cost tokens and say nothing. */
export function meaningfulText(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Builds the system prompt from the workspace, re-reading a file only when it changed
 * (checked by mtime) so a turn does no needless I/O. It holds nothing that changes by itself
 * (the current time rides in the user messages, history.ts), so it stays byte-identical from
 * turn to turn and the provider can serve it from its prompt cache.
 */
export function createSystemPromptBuilder(directory: string) {
  const cache = new Map<string, { mtimeMs: number; text: string }>();
  const read = (name: string): string => {
    const path = join(directory, name);
    if (!existsSync(path)) return "";
    const { mtimeMs } = statSync(path);
    const cached = cache.get(name);
    if (cached && cached.mtimeMs === mtimeMs) return cached.text;
    const text = meaningfulText(readFileSync(path, "utf8"));
    cache.set(name, { mtimeMs, text });
    return text;
  };
  return (): string => composeSystemPrompt(read);
}

/**
 * The prompt from the workspace files' raw texts (`read` returns "" for a missing one) and
 * optional host notes (memory: when to search). The database-backed builder
 * (src/memory/system-prompt.ts) composes through here too, so both read the same.
 */
export function composeSystemPrompt(
  read: (name: (typeof workspaceFiles)[number]) => string,
  notes: readonly string[] = [],
): string {
  const sections = workspaceFiles
    .map((name) => [name, read(name)] as const)
    .filter(([, text]) => text.length > 0)
    .map(([name, text]) => (name === "AGENTS.md" ? text : `## ${name.replace(".md", "")}\n${text}`));
  sections.push(...notes, timeNote);
  return sections.join("\n\n");
}
