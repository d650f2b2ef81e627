/**
 * Turns a component into what a sandbox Worker runs: jco transpiles it (sync instantiation, so
 * compiled modules instantiate without awaiting), then every core module is metered (loop
 * headers check the deadline) and memory-capped. The expensive part is metering QuickJS's 1.3 MB
 * interpreter module (~1.5 s), and 12 of the 13 core modules of a componentize-qjs tool are the
 * same across tools, so prepared core modules are kept per process by the hash of the original
 * module and the cap: the second tool of the same kind prepares in the time of a transpile.
 */
import { createHash } from "node:crypto";
import { transpile } from "@bytecodealliance/jco";
import { AppError } from "../../../errors.ts";
import type { PreparedComponent } from "./cache-entry.ts";
import { capMemory } from "./cap-memory.ts";
import { meterLoops } from "./meter-loops.ts";

/** Bumped whenever preparation changes, so older cache entries are made again. */
export const preparerVersion = "meter-stop-flag-1";

const preparedCores = new Map<string, Uint8Array>();

function prepareCore(bytes: Uint8Array, memoryMiB: number): Uint8Array {
  const key = `${createHash("sha256").update(bytes).digest("hex")}:${memoryMiB}`;
  const known = preparedCores.get(key);
  if (known) return known;
  const prepared = capMemory(meterLoops(bytes).bytes, memoryMiB);
  preparedCores.set(key, prepared);
  return prepared;
}

export async function prepareComponent(component: Uint8Array, memoryMiB: number): Promise<PreparedComponent> {
  let output: Awaited<ReturnType<typeof transpile>>;
  try {
    output = await transpile(component, {
      name: "tool",
      instantiation: "sync",
      noTypescript: true,
      quiet: true,
      base64Cutoff: 0,
    });
  } catch (error) {
    throw new AppError("invalid_input", `the component could not be transpiled: ${describe(error)}`, {
      cause: error,
    });
  }
  const glueBytes = output.files["tool.js"];
  if (!glueBytes) throw new AppError("invalid_input", "jco produced no glue module");
  const glue = new TextDecoder().decode(glueBytes);
  const modules = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(output.files)) {
    if (!name.endsWith(".wasm")) continue;
    modules.set(name, prepareCore(bytes, memoryMiB));
  }
  // Every module the glue compiles must be one we metered: nothing may reach the engine unmetered.
  for (const match of glue.matchAll(/getCoreModule\('([^']+)'\)/g)) {
    if (!modules.has(match[1] as string)) {
      throw new AppError("invalid_input", `the glue asks for an unknown core module ${match[1]}`);
    }
  }
  return { glue, modules };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
