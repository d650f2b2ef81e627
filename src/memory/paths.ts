/**
 * The rules a memory document path must follow, checked before anything touches the database.
 * Paths come from the model (which may be obeying injected text) and from files on import, so
 * they are treated as hostile: relative only, `/`-separated, no `.` or `..` segments, no NUL or
 * other control characters, no backslashes, at most 256 characters. A refused path is a
 * `MemoryInputError` whose message is written for the model ("name a path like notes/x.md").
 */
import { AppError } from "../errors.ts";

/** Input the memory refuses (a path, an oversized document); the message is for the model. */
export class MemoryInputError extends AppError {
  constructor(message: string) {
    super("invalid_input", message);
  }
}

export const maxPathLength = 256;
/** About 1 MiB of text per document: the workspace holds notes, not archives. */
export const maxDocumentBytes = 1024 * 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The canonical form of `path` (`./a//b.md` → `a/b.md`); throws MemoryInputError if refused. */
export function normalizeDocumentPath(path: string): string {
  const shown = JSON.stringify(path.slice(0, 80));
  if (controlCharacters.test(path)) {
    throw new MemoryInputError(`Refused path ${shown}: it contains NUL or control characters.`);
  }
  if (path.includes("\\")) throw new MemoryInputError(`Refused path ${shown}: use "/" between folders.`);
  if (path.startsWith("/") || /^[a-zA-Z]:/.test(path) || path.startsWith("~")) {
    throw new MemoryInputError(
      `Refused path ${shown}: name a path relative to the workspace, like notes/ideas.md.`,
    );
  }
  const segments = path.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.some((segment) => segment === "..")) {
    throw new MemoryInputError(`Refused path ${shown}: ".." is not allowed.`);
  }
  const normalized = segments.join("/");
  if (normalized === "") throw new MemoryInputError("Refused path: it is empty.");
  if (normalized.length > maxPathLength) {
    throw new MemoryInputError(`Refused path ${shown}: longer than ${maxPathLength} characters.`);
  }
  return normalized;
}

/** The canonical folder prefix for listing and filtering (`notes` → `notes/`, `` → ``). */
export function normalizePathPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix.trim() === "" || prefix.trim() === "/") return "";
  const normalized = normalizeDocumentPath(prefix.replace(/^\/+/, ""));
  return prefix.endsWith("/") ? `${normalized}/` : normalized;
}

/** Refuses content over the size limit; the message tells the model what to do instead. */
export function checkDocumentSize(path: string, content: string): void {
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes > maxDocumentBytes) {
    throw new MemoryInputError(
      `Refused to write "${path}": ${bytes} bytes is over the ${maxDocumentBytes}-byte limit per document; split it into several documents.`,
    );
  }
}
