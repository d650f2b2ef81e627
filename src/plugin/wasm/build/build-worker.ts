/**
 * The build itself, run as a child process (`bun build-worker.ts <request-json>`) by
 * run-build-child.ts with an empty environment, its working folder a fresh temp folder holding
 * only tool.{js,ts} and the guest files (guest-files.ts). It strips TypeScript, points the
 * author's `import … from "ironclaw:tool"` at tool-module.js, builds the component and writes
 * component.wasm. The last stdout line is the JSON answer `{ ok: true } | { ok: false, error }`.
 * Keeping the build out of the host process means a build that hangs or eats memory is killed
 * without taking the assistant with it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildWithBackend } from "./backends.ts";
import type { BuildRequest } from "./build-request.ts";
import { guestModuleName } from "./check-source.ts";
import { toolModuleFile } from "./guest-files.ts";

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as BuildRequest;
  const folder = process.cwd();
  const sourcePath = join(folder, `tool.${request.language}`);
  let code = await Bun.file(sourcePath).text();
  if (request.language === "ts") code = new Bun.Transpiler({ loader: "ts" }).transformSync(code);
  const guestImport = new RegExp(`(\\bfrom\\s*|\\bimport\\s*)(["'])${guestModuleName}\\2`, "g");
  writeFileSync(join(folder, "tool.js"), code.replace(guestImport, `$1"./${toolModuleFile}"`));
  const component = await buildWithBackend(request, folder);
  writeFileSync(join(folder, "component.wasm"), component);
  answer({ ok: true });
}

function answer(value: { ok: true } | { ok: false; error: string }): void {
  process.stdout.write(`\n${JSON.stringify(value)}\n`);
}

main().catch((error: unknown) => {
  answer({ ok: false, error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
