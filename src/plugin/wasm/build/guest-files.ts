/**
 * The files a build folder holds besides the author's source: the guest prelude (console, text
 * codecs, host clock and randomness), the guest module the author imports ("ironclaw:tool" is
 * tool-module.js, "ironclaw:channel" is channel-module.js, which re-exports the tool module's
 * http) and the entry wrapper that adapts the author's exports to the WIT world (entry.js for a
 * tool, channel-entry.js for a channel, copied as entry.js). They live as real modules in ./guest/
 * (linted, readable) and are copied into each build folder.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PluginWorld } from "./build-request.ts";

const guestFolder = join(import.meta.dir, "guest");

/** The file the author's `import … from "ironclaw:tool"` is pointed at. */
export const toolModuleFile = "tool-module.js";
/** The file the author's `import … from "ironclaw:channel"` is pointed at. */
export const channelModuleFile = "channel-module.js";

/** Per world: the guest module file and the build-folder name → guest file it is copied from. */
const guestFilesByWorld: Record<PluginWorld, { module: string; files: readonly [string, string][] }> = {
  tool: {
    module: toolModuleFile,
    files: [
      ["prelude.js", "prelude.js"],
      [toolModuleFile, toolModuleFile],
      ["entry.js", "entry.js"],
    ],
  },
  channel: {
    module: channelModuleFile,
    files: [
      ["prelude.js", "prelude.js"],
      [toolModuleFile, toolModuleFile],
      [channelModuleFile, channelModuleFile],
      ["entry.js", "channel-entry.js"],
    ],
  },
};

const cached = new Map<PluginWorld, ReadonlyMap<string, string>>();

/** Build-folder file name → contents of every guest file of `world`. */
export function readGuestFiles(world: PluginWorld = "tool"): ReadonlyMap<string, string> {
  let files = cached.get(world);
  if (!files) {
    files = new Map(
      guestFilesByWorld[world].files.map(([name, from]) => [
        name,
        readFileSync(join(guestFolder, from), "utf8"),
      ]),
    );
    cached.set(world, files);
  }
  return files;
}

/** The guest module file the author's import is rewritten to. */
export function guestModuleFile(world: PluginWorld = "tool"): string {
  return guestFilesByWorld[world].module;
}

/** The author's source file in the build folder (the entry imports `./tool.js` / `./channel.js`). */
export function sourceFileStem(world: PluginWorld = "tool"): string {
  return world;
}

/** The WIT the components are built against (resolved from this module, not the working folder). */
export const pluginWitPath = join(import.meta.dir, "../../../../tools/wit/plugin.wit");
