/**
 * The build itself, run as a child process (`bun build-worker.ts <request-json>`) by
 * run-build-child.ts with an empty environment, its working folder a fresh temp folder holding
 * only the source (tool.{js,ts} or channel.{js,ts}) and the guest files (guest-files.ts). It
 * strips TypeScript, points the author's `import … from "ironclaw:tool"` (or "ironclaw:channel")
 * at the guest module, builds the component for the request's world and writes
 * component.wasm. The last stdout line is the JSON answer `{ ok: true } | { ok: false, error }`.
 * Keeping the build out of the host process means a build that hangs or eats memory is killed
 * without taking the assistant with it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildWithBackend } from "./backends.ts";
import type { BuildRequest } from "./build-request.ts";
import { guestModuleNameOf } from "./check-source.ts";
import { guestModuleFile, sourceFileStem } from "./guest-files.ts";

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as BuildRequest;
  const folder = process.cwd();
  const world = request.world ?? "tool";
  const stem = sourceFileStem(world);
  const sourcePath = join(folder, `${stem}.${request.language}`);
  let code = await Bun.file(sourcePath).text();
  if (request.language === "ts") code = new Bun.Transpiler({ loader: "ts" }).transformSync(code);
  const guestImport = new RegExp(`(\\bfrom\\s*|\\bimport\\s*)(["'])${guestModuleNameOf(world)}\\2`, "g");
  writeFileSync(join(folder, `${stem}.js`), code.replace(guestImport, `$1"./${guestModuleFile(world)}"`));
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
