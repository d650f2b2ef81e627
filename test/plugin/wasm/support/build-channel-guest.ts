/**
 * Builds a test channel component from JavaScript source with the real builder
 * (buildWasmChannel: the channel entry, the "ironclaw:channel" module, world `channel`). A build
 * costs ~2–5 s, so the bytes are cached in the temp folder keyed by the source, the WIT and the
 * guest files: a second test (or run) using the same channel reads the file back.
 *
 * Example:
 *   const bytes = await buildTestChannel(minimalChannelSource);
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pluginWitPath, readGuestFiles } from "../../../../src/plugin/wasm/build/guest-files.ts";
import { buildWasmChannel } from "../../../../src/plugin/wasm/build/index.ts";

const cacheFolder = join(tmpdir(), "ironclaw-test-channels");
const inFlight = new Map<string, Promise<Uint8Array>>();

/** The smallest channel: starts, answers sends with a ref, nothing else. */
export const minimalChannelSource = `
export function onStart() { return {}; }
export function onRespond(message) { return { chatId: message.chatId, messageId: "m-" + message.deliveryId }; }
`;

export function buildTestChannel(source: string = minimalChannelSource): Promise<Uint8Array> {
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        source,
        wit: readFileSync(pluginWitPath, "utf8"),
        guest: [...readGuestFiles("channel")],
      }),
    )
    .digest("hex");
  const pending = inFlight.get(key);
  if (pending) return pending;
  const build = (async () => {
    const path = join(cacheFolder, `${key}.wasm`);
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
    const result = await buildWasmChannel({ source, language: "js" });
    if (!result.ok) throw new Error(result.error);
    mkdirSync(cacheFolder, { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(temporary, result.component);
    renameSync(temporary, path);
    return result.component;
  })();
  inFlight.set(key, build);
  return build;
}
