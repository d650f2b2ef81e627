/**
 * The files a build folder holds besides the author's source: the guest prelude (console, text
 * codecs, host clock and randomness), the "ironclaw:tool" module (tool-module.js) and the entry
 * wrapper that adapts the author's exports to the WIT world. They live as real modules in
 * ./guest/ (linted, readable) and are copied into each build folder under the same names.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const guestFolder = join(import.meta.dir, "guest");

/** The file the author's `import … from "ironclaw:tool"` is pointed at. */
export const toolModuleFile = "tool-module.js";
const guestFileNames = ["prelude.js", toolModuleFile, "entry.js"] as const;

let cached: ReadonlyMap<string, string> | undefined;

/** File name → contents of every guest file. */
export function readGuestFiles(): ReadonlyMap<string, string> {
  cached ??= new Map(guestFileNames.map((name) => [name, readFileSync(join(guestFolder, name), "utf8")]));
  return cached;
}

/** The WIT the components are built against (resolved from this module, not the working folder). */
export const pluginWitPath = join(import.meta.dir, "../../../../tools/wit/plugin.wit");
