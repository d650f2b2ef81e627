/**
 * What a component asks for, read before anything of it runs: jco's `componentWit` decodes the
 * component's embedded WIT (a pure decoder, no instantiation), and this module lists its world's
 * imports and exports. A component is only ever given what it imports, so the import list *is*
 * its reach; component-policy.ts decides whether that reach is acceptable. A file that is not a
 * component (corrupt, truncated, a core module, a text file) is refused here with a clear
 * message instead of failing later inside the runtime.
 */
import { AppError } from "../../errors.ts";
import type { ComponentInfo } from "./contract.ts";

/** The component is unusable: not a component at all, or one the host refuses to run. */
export class ComponentRefusedError extends AppError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super("invalid_input", message, options);
  }
}

/** An item of the component's world, as its WIT prints it. */
export interface WorldItem {
  readonly direction: "import" | "export";
  /** `ironclaw:plugin/host@0.1.0` for an interface; the function name for a bare function. */
  readonly name: string;
  /** For a bare function: its signature without parameter names, `func(string) -> string`. */
  readonly signature?: string;
  /** An inline `name: interface { … }` block (never one of ours). */
  readonly inline?: boolean;
}

export interface InspectedComponent extends ComponentInfo {
  readonly items: readonly WorldItem[];
}

const wasmMagic = [0x00, 0x61, 0x73, 0x6d];
/** Component binaries have layer 1 in the header (`0d 00 01 00`); core modules have `01 00 00 00`. */
const componentLayer = [0x0d, 0x00, 0x01, 0x00];

function checkHeader(bytes: Uint8Array): void {
  if (bytes.length < 8 || wasmMagic.some((byte, index) => bytes[index] !== byte)) {
    throw new ComponentRefusedError("not a WebAssembly file (the header is missing or wrong)");
  }
  if (componentLayer.some((byte, index) => bytes[4 + index] !== byte)) {
    throw new ComponentRefusedError(
      "a core WebAssembly module, not a component: build it for the ironclaw:plugin tool world (`ironclaw tools build`)",
    );
  }
}

function withoutParameterNames(signature: string): string {
  return signature
    .replace(/\s+/g, " ")
    .replace(/([a-z][a-z0-9-]*)\s*:\s*/g, "")
    .trim();
}

/** Parses the world items of `componentWit` output (one item per line at world level). */
export function parseWorldItems(wit: string): WorldItem[] {
  const items: WorldItem[] = [];
  for (const line of wit.split("\n")) {
    const match = /^ {2}(import|export) (.+?);?$/.exec(line);
    if (!match) continue;
    const direction = match[1] as "import" | "export";
    const body = (match[2] as string).trim();
    const named = /^%?([a-z][a-z0-9-]*)\s*:\s+(.*)$/.exec(body);
    if (!named) {
      items.push({ direction, name: body });
    } else if ((named[2] as string).startsWith("interface")) {
      items.push({ direction, name: named[1] as string, inline: true });
    } else {
      items.push({
        direction,
        name: named[1] as string,
        signature: withoutParameterNames(named[2] as string),
      });
    }
  }
  return items;
}

const pluginInterface = /^ironclaw:plugin\/[a-z0-9-]+@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/** The `ironclaw:plugin` versions the items name (normally exactly one). */
export function pluginVersionsOf(items: readonly WorldItem[]): string[] {
  const versions = new Set<string>();
  for (const item of items) {
    const match = pluginInterface.exec(item.name);
    if (match) versions.add(match[1] as string);
  }
  return [...versions];
}

type WitDecoder = (bytes: Uint8Array) => Promise<string>;
let decoder: Promise<WitDecoder> | undefined;

/** jco is loaded on first use: a CLI command that never inspects a component does not pay for it. */
function loadDecoder(): Promise<WitDecoder> {
  decoder ??= import("@bytecodealliance/jco").then((jco) => jco.componentWit);
  return decoder;
}

/** Reads a component's imports and exports; throws ComponentRefusedError for anything unreadable. */
export async function inspectComponent(bytes: Uint8Array): Promise<InspectedComponent> {
  checkHeader(bytes);
  let wit: string;
  try {
    wit = await (await loadDecoder())(bytes);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split("\n").slice(0, 2).join(" ");
    throw new ComponentRefusedError(`the component cannot be decoded (corrupt or truncated?): ${detail}`, {
      cause: error,
    });
  }
  const items = parseWorldItems(wit);
  const versions = pluginVersionsOf(items);
  return {
    items,
    imports: items.filter((item) => item.direction === "import").map((item) => item.name),
    exports: items.filter((item) => item.direction === "export").map((item) => item.name),
    ...(versions.length === 1 ? { pluginVersion: versions[0] } : {}),
  };
}
