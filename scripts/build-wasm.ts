/**
 * Builds every WASM plugin in the repository from source: a folder `tools/<name>/` (or
 * `channels/<name>/`) with a manifest `<name>.capabilities.json` and a source `<name>.ts` (or
 * `<name>.js`) becomes `<folder>/dist/<name>.wasm`, with the manifest copied beside it so `dist/`
 * is a folder `ironclaw tools install` takes. The manifest's `kind` picks the WIT world (a
 * `channels/` folder must hold a channel: built-in channels there have no manifest and are
 * skipped). Manifests are checked with the host's parser first. Prints size, SHA-256 and build
 * time per plugin; exits 1 if any fails.
 *
 * Usage: bun scripts/build-wasm.ts [name …]
 */
import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { formatSize } from "../src/cli/tools-build.ts";
import { buildWasmTool } from "../src/plugin/wasm/build/index.ts";
import { parsePluginManifestText } from "../src/plugin/wasm/plugin-manifest.ts";

const root = join(import.meta.dir, "..");
const pluginRoots = [
  { folder: join(root, "tools"), kind: "tool" },
  { folder: join(root, "channels"), kind: "channel" },
] as const;

interface PluginFolder {
  readonly name: string;
  readonly folder: string;
  readonly expectedKind: "tool" | "channel";
  readonly manifestPath: string;
  readonly sourcePath: string;
}

function findPluginFolders(only: readonly string[]): PluginFolder[] {
  const found: PluginFolder[] = [];
  for (const { folder: parent, kind } of pluginRoots) {
    for (const name of readdirSync(parent).sort()) {
      if (only.length > 0 && !only.includes(name)) continue;
      const folder = join(parent, name);
      const manifestPath = join(folder, `${name}.capabilities.json`);
      if (!existsSync(manifestPath)) continue;
      const sourcePath = [`${name}.ts`, `${name}.js`].map((file) => join(folder, file)).find(existsSync);
      if (!sourcePath) {
        console.error(`${name}: has ${name}.capabilities.json but no ${name}.ts or ${name}.js`);
        process.exitCode = 1;
        continue;
      }
      found.push({ name, folder, expectedKind: kind, manifestPath, sourcePath });
    }
  }
  return found;
}

async function buildPlugin(plugin: PluginFolder): Promise<boolean> {
  const manifestText = await Bun.file(plugin.manifestPath).text();
  try {
    const manifest = parsePluginManifestText(manifestText, plugin.manifestPath);
    if (manifest.name !== plugin.name)
      throw new Error(`the manifest's name is ${manifest.name}, the folder's ${plugin.name}`);
    if (manifest.kind !== plugin.expectedKind)
      throw new Error(`the manifest's kind is ${manifest.kind}; this folder holds ${plugin.expectedKind}s`);
  } catch (error) {
    console.error(`${plugin.name}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  console.log(`${plugin.name}: building ${relative(root, plugin.sourcePath)} …`);
  const result = await buildWasmTool({
    source: await Bun.file(plugin.sourcePath).text(),
    language: plugin.sourcePath.endsWith(".ts") ? "ts" : "js",
    world: plugin.expectedKind,
  });
  if (!result.ok) {
    console.error(`${plugin.name}: ${result.error}`);
    return false;
  }
  const dist = join(plugin.folder, "dist");
  await mkdir(dist, { recursive: true });
  await writeFile(join(dist, `${plugin.name}.wasm`), result.component);
  await copyFile(plugin.manifestPath, join(dist, `${plugin.name}.capabilities.json`));
  console.log(
    `${plugin.name}: ${relative(root, join(dist, `${plugin.name}.wasm`))}  ${formatSize(result.sizeBytes)}  ` +
      `sha256 ${result.sha256}  ${(result.durationMs / 1000).toFixed(1)} s  peak ${result.peakMemoryMb} MB`,
  );
  return true;
}

const plugins = findPluginFolders(process.argv.slice(2));
if (plugins.length === 0)
  console.error(
    "no WASM plugin folders found (tools/<name>/ or channels/<name>/ with <name>.capabilities.json)",
  );
console.log(`Building ${plugins.length} WASM plugin(s): ${plugins.map((plugin) => plugin.name).join(", ")}`);
for (const plugin of plugins) {
  if (!(await buildPlugin(plugin))) process.exitCode = 1;
}
