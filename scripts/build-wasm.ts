/**
 * Builds every WASM tool in tools/ from source: a folder `tools/<name>/` with a manifest
 * `<name>.capabilities.json` and a source `<name>.ts` (or `<name>.js`) becomes
 * `tools/<name>/dist/<name>.wasm`, with the manifest copied beside it so `dist/` is a folder
 * `ironclaw tools install` takes. Manifests are checked with the host's parser first. Prints
 * size, SHA-256 and build time per tool; exits 1 if any tool fails.
 *
 * Usage: bun scripts/build-wasm.ts [name …]
 */
import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatSize } from "../src/cli/tools-build.ts";
import { buildWasmTool } from "../src/plugin/wasm/build/index.ts";
import { parseToolManifestText } from "../src/plugin/wasm/manifest.ts";

const toolsFolder = join(import.meta.dir, "..", "tools");

interface ToolFolder {
  readonly name: string;
  readonly manifestPath: string;
  readonly sourcePath: string;
}

function findToolFolders(only: readonly string[]): ToolFolder[] {
  const found: ToolFolder[] = [];
  for (const name of readdirSync(toolsFolder).sort()) {
    if (only.length > 0 && !only.includes(name)) continue;
    const manifestPath = join(toolsFolder, name, `${name}.capabilities.json`);
    if (!existsSync(manifestPath)) continue;
    const sourcePath = [`${name}.ts`, `${name}.js`]
      .map((file) => join(toolsFolder, name, file))
      .find(existsSync);
    if (!sourcePath) {
      console.error(`${name}: has ${name}.capabilities.json but no ${name}.ts or ${name}.js`);
      process.exitCode = 1;
      continue;
    }
    found.push({ name, manifestPath, sourcePath });
  }
  return found;
}

async function buildTool(tool: ToolFolder): Promise<boolean> {
  const manifestText = await Bun.file(tool.manifestPath).text();
  try {
    const manifest = parseToolManifestText(manifestText, tool.manifestPath);
    if (manifest.name !== tool.name)
      throw new Error(`the manifest's name is ${manifest.name}, the folder's ${tool.name}`);
  } catch (error) {
    console.error(`${tool.name}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  console.log(`${tool.name}: building ${tool.sourcePath.slice(toolsFolder.length + 1)} …`);
  const result = await buildWasmTool({
    source: await Bun.file(tool.sourcePath).text(),
    language: tool.sourcePath.endsWith(".ts") ? "ts" : "js",
  });
  if (!result.ok) {
    console.error(`${tool.name}: ${result.error}`);
    return false;
  }
  const dist = join(toolsFolder, tool.name, "dist");
  await mkdir(dist, { recursive: true });
  await writeFile(join(dist, `${tool.name}.wasm`), result.component);
  await copyFile(tool.manifestPath, join(dist, `${tool.name}.capabilities.json`));
  console.log(
    `${tool.name}: tools/${tool.name}/dist/${tool.name}.wasm  ${formatSize(result.sizeBytes)}  ` +
      `sha256 ${result.sha256}  ${(result.durationMs / 1000).toFixed(1)} s  peak ${result.peakMemoryMb} MB`,
  );
  return true;
}

const tools = findToolFolders(process.argv.slice(2));
if (tools.length === 0) console.error("no WASM tool folders found (tools/<name>/<name>.capabilities.json)");
console.log(`Building ${tools.length} WASM tool(s): ${tools.map((tool) => tool.name).join(", ")}`);
for (const tool of tools) {
  if (!(await buildTool(tool))) process.exitCode = 1;
}
