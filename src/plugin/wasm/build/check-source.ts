/**
 * Refuses a tool's source before anything is built, with a message the author (or the model that
 * wrote it) can act on: empty or oversized source, a syntax error (with its line), and any import
 * other than the guest module "ironclaw:tool". Why imports are refused: a build embeds whatever
 * the entry module imports relative to its folder (`import "../../etc/x"` would pull that file
 * into the component), and a tool is one self-contained file. The empty build folder is the
 * boundary; this check is what makes the refusal clear instead of a failed resolution.
 */

/** The module the guest prelude answers to; the only import a tool may have. */
export const guestModuleName = "ironclaw:tool";

export const defaultMaxSourceBytes = 256 * 1024;

export type SourceLanguage = "js" | "ts";

export type SourceCheck = { readonly ok: true } | { readonly ok: false; readonly error: string };

interface BuildMessageLike {
  readonly message: string;
  readonly position?: { readonly line: number; readonly column: number; readonly lineText?: string } | null;
}

export function checkToolSource(
  source: string,
  language: SourceLanguage,
  maxBytes = defaultMaxSourceBytes,
): SourceCheck {
  if (source.trim() === "")
    return { ok: false, error: "the source is empty: a tool exports description, schema and execute" };
  const size = Buffer.byteLength(source, "utf8");
  if (size > maxBytes)
    return {
      ok: false,
      error: `the source is ${size} bytes; the limit is ${maxBytes} bytes (a tool is one file, keep it small)`,
    };
  const transpiler = new Bun.Transpiler({ loader: language });
  let scanned: ReturnType<Bun.Transpiler["scan"]>;
  let code: string;
  try {
    scanned = transpiler.scan(source);
    code = transpiler.transformSync(source);
  } catch (error) {
    return { ok: false, error: describeSyntaxError(error) };
  }
  const foreign = scanned.imports.filter((entry) => entry.path !== guestModuleName);
  if (foreign.length > 0) {
    const names = [...new Set(foreign.map((entry) => JSON.stringify(entry.path)))].join(", ");
    return {
      ok: false,
      error: `imports are not allowed (found ${names}): a tool is a single file and may only import from "${guestModuleName}" (http, workspace, secretExists)`,
    };
  }
  // scan() does not report require() or computed dynamic imports; the transpiled code has no
  // comments, so a match here is code (or a string that looks like it: rename it).
  if (/\brequire\s*\(/.test(code) || /\bimport\s*\(/.test(code))
    return {
      ok: false,
      error: `require() and dynamic import() are not allowed: a tool is a single file and may only import from "${guestModuleName}"`,
    };
  return { ok: true };
}

function describeSyntaxError(error: unknown): string {
  const messages: BuildMessageLike[] =
    error instanceof AggregateError ? (error.errors as BuildMessageLike[]) : [error as BuildMessageLike];
  const lines = messages.slice(0, 5).map((message) => {
    const where = message.position
      ? ` (line ${message.position.line}, column ${message.position.column})`
      : "";
    return `${message.message ?? String(message)}${where}`;
  });
  return `syntax error: ${lines.join("; ")}`;
}
