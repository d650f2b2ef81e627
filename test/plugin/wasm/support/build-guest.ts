/**
 * Builds a test guest (a WASM tool component) from JavaScript source, in process, with
 * componentize-qjs against the real WIT (tools/wit/plugin.wit, world "tool"), WASI stubbed to
 * traps. A build costs ~1–3 s, so the bytes are cached in the temp folder keyed by the source, the
 * WIT and the options: a second run of the suite (or a second test using the same guest) reads
 * the file back in milliseconds.
 *
 * Example:
 *   const bytes = await buildTestGuest(`
 *     export function description() { return "echo"; }
 *     export function schema() { return '{"type":"object"}'; }
 *     export function execute(params) { return params; }
 *   `);
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { componentize } from "componentize-qjs";

export const pluginWitPath = join(import.meta.dir, "../../../../tools/wit/plugin.wit");

export interface BuildTestGuestOptions {
  /** Use componentize-qjs's non-async runtime (default true: no component-model async ABI). */
  readonly sync?: boolean;
  /** The WIT world: "tool" (default) or "channel" (exports onStart, onPoll, …; imports channel-host). */
  readonly world?: "tool" | "channel";
}

const cacheFolder = join(tmpdir(), "ironclaw-test-guests");
const inFlight = new Map<string, Promise<Uint8Array>>();

export function buildTestGuest(source: string, options: BuildTestGuestOptions = {}): Promise<Uint8Array> {
  const sync = options.sync ?? true;
  const world = options.world ?? "tool";
  const wit = readFileSync(pluginWitPath, "utf8");
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        source,
        wit,
        sync,
        builder: "componentize-qjs@0.4.5",
        ...(world === "tool" ? {} : { world }),
      }),
    )
    .digest("hex");
  const pending = inFlight.get(key);
  if (pending) return pending;
  const build = buildOrReadCached(key, source, sync, world);
  inFlight.set(key, build);
  return build;
}

async function buildOrReadCached(
  key: string,
  source: string,
  sync: boolean,
  world: "tool" | "channel",
): Promise<Uint8Array> {
  const path = join(cacheFolder, `${key}.wasm`);
  if (existsSync(path)) return new Uint8Array(readFileSync(path));
  const result = await componentize({
    witPath: pluginWitPath,
    jsSource: source,
    world,
    stubWasi: true,
    sync,
  });
  const bytes = new Uint8Array(result.component);
  mkdirSync(cacheFolder, { recursive: true });
  // Write then rename so a parallel test file never reads a half-written component.
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  return bytes;
}

/** A minimal well-behaved guest: `execute` answers its name and the params it was given. */
export function echoGuestSource(name = "echo"): string {
  return `
export function description() { return ${JSON.stringify(`${name}: answers its parameters back.`)}; }
export function schema() { return JSON.stringify({ type: "object", properties: { text: { type: "string" } } }); }
export function execute(params, context) { return ${JSON.stringify(`${name}:`)} + params; }
`;
}
