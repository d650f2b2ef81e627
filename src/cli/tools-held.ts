/**
 * `ironclaw tools inspect NAME [--source] [--pending]` for a tool the assistant built and the
 * owner has not approved yet: the approval prompt points here, before anything is installed, so
 * the owner can read the whole source (the prompt shows only its start) and the capabilities it
 * would get. Several builds of one name may be held (one per proposed call): the newest is shown,
 * with its SHA-256, to match it with the prompt. The source goes to stdout alone (pipeable); the
 * "awaiting approval" line goes to stderr.
 */
import type { Database } from "../db/client.ts";
import { listWasmToolBuilds, type WasmToolBuildSummary } from "../db/wasm-tool-builds.ts";
import { parseToolManifest } from "../plugin/wasm/manifest.ts";
import { describeCapabilities } from "../plugin/wasm/review.ts";
import type { ToolsIo } from "./tools.ts";

/** The manifest installing it would enforce (parsed as on every load). */
function manifest(held: WasmToolBuildSummary, name: string) {
  return parseToolManifest(held.manifest, `the held manifest of ${name}`);
}

/** Prints the newest held build of `name`; false when none is held. */
export async function inspectHeldBuild(
  db: Database,
  name: string,
  showSource: boolean,
  io: ToolsIo,
): Promise<boolean> {
  const [held, ...older] = await listWasmToolBuilds(db, name);
  if (!held) return false;
  const more = older.length > 0 ? ` (${older.length} older held build(s) not shown)` : "";
  const awaiting = `A build of "${name}" made by the assistant awaits the owner's approval (SHA-256 ${held.sha256}); it is not installed${more}.`;
  if (showSource) {
    io.printError(awaiting);
    io.print(held.source);
    return true;
  }
  io.print(awaiting);
  // The text the approval prompt shows (capabilities, hash, tests, the start of the source).
  for (const line of held.summary.split("\n")) io.print(line);
  io.print(`Capabilities granted on approval: ${describeCapabilities(manifest(held, name)).join(" ")}`);
  io.print(`Source: held (\`ironclaw tools inspect ${name} --source --pending\`)`);
  return true;
}
