/**
 * Refuses a tool's source before anything is built, with a message the author (or the model that
 * wrote it) can act on: empty or oversized source, a syntax error (with its line), and any import
 * other than the guest module ("ironclaw:tool" for a tool, "ironclaw:channel" for a channel). Why imports are refused: a build embeds whatever
 * the entry module imports relative to its folder (`import "../../etc/x"` would pull that file
 * into the component), and a tool (or a channel) is one self-contained file. The empty build folder is the
 * boundary; this check is what makes the refusal clear instead of a failed resolution.
 */
import type { PluginWorld } from "./build-request.ts";

/** The module the guest prelude answers to; the only import a tool may have. */
export const guestModuleName = "ironclaw:tool";
/** The only import a channel may have. */
export const channelGuestModuleName = "ironclaw:channel";

const guestModules: Record<PluginWorld, { name: string; offers: string; shape: string }> = {
  tool: {
    name: guestModuleName,
    offers: "http, workspace, secretExists",
    shape: "a tool exports description, schema and execute",
  },
  channel: {
    name: channelGuestModuleName,
    offers: "http, state, emitMessage, emitAction, ChannelError",
    shape: "a channel exports onStart and onRespond",
  },
};

/** The module name an author of `world` imports. */
export function guestModuleNameOf(world: PluginWorld = "tool"): string {
  return guestModules[world].name;
}

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
  world: PluginWorld = "tool",
): SourceCheck {
  const guest = guestModules[world];
  const kind = world === "channel" ? "a channel" : "a tool";
  if (source.trim() === "") return { ok: false, error: `the source is empty: ${guest.shape}` };
  const size = Buffer.byteLength(source, "utf8");
  if (size > maxBytes)
    return {
      ok: false,
      error: `the source is ${size} bytes; the limit is ${maxBytes} bytes (${kind} is one file, keep it small)`,
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
  const foreign = scanned.imports.filter((entry) => entry.path !== guest.name);
  if (foreign.length > 0) {
    const names = [...new Set(foreign.map((entry) => JSON.stringify(entry.path)))].join(", ");
    return {
      ok: false,
      error: `imports are not allowed (found ${names}): ${kind} is a single file and may only import from "${guest.name}" (${guest.offers})`,
    };
  }
  // scan() does not report require() or computed dynamic imports; the transpiled code has no
  // comments, so a match here is code (or a string that looks like it: rename it).
  if (/\brequire\s*\(/.test(code) || /\bimport\s*\(/.test(code))
    return {
      ok: false,
      error: `require() and dynamic import() are not allowed: ${kind} is a single file and may only import from "${guest.name}"`,
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
