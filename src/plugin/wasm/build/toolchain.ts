/**
 * Whether this machine can build WASM tools: the builders are npm packages (componentize-qjs for
 * the default backend, componentize-js and preview2-shim for StarlingMonkey), so a checkout
 * without `npm install`, or an install that pruned them, cannot build. `doctor` and `tool_build`
 * ask here first to give one clear line instead of a module-resolution error from the child.
 */
import type { BuildBackend } from "./build-request.ts";

const packagesByBackend: Record<BuildBackend, readonly string[]> = {
  qjs: ["componentize-qjs"],
  starlingmonkey: ["@bytecodealliance/componentize-js", "@bytecodealliance/preview2-shim/filesystem"],
};

/**
 * Undefined when `backend` can build here; otherwise what is missing and how to fix it.
 * `from` is where packages are resolved from (the builder's own folder; tests point elsewhere).
 */
export function missingToolchain(backend: BuildBackend = "qjs", from = import.meta.dir): string | undefined {
  const missing = packagesByBackend[backend].filter((name) => {
    try {
      Bun.resolveSync(name, from);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return undefined;
  return `the WASM build toolchain for ${backend} is missing (${missing.join(", ")}): run \`npm install\` in the IronClaw folder`;
}
