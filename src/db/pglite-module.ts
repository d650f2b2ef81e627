/**
 * PGlite's compiled WebAssembly, started early. Compiling its 9 MB module is the largest single
 * cost of opening the embedded database (~0.4–0.7 s on a busy 2-core machine); JSC compiles on
 * background threads, so `main.ts` starts it before loading the rest of the assistant and the two
 * overlap. `openPglite` takes the result and hands it to PGlite (`pgliteWasmModule`); when
 * compiling here fails, PGlite loads the module itself and reports its own error.
 *
 * Taking forgets it: the process keeps no compiled copy of its own (PGlite holds what it needs),
 * and a start that turns out to use PostgreSQL drops it (`discardPgliteModule`).
 */

let compiling: Promise<WebAssembly.Module | undefined> | undefined;

/** Starts compiling, once until taken. */
export function compilePgliteModule(): void {
  compiling ??= (async () => {
    const wasm = new URL("pglite.wasm", import.meta.resolve("@electric-sql/pglite"));
    return WebAssembly.compile(await Bun.file(wasm).arrayBuffer());
  })().catch(() => undefined);
}

/** The module compiling or compiled, now or from an earlier `compilePgliteModule`. */
export function takePgliteModule(): Promise<WebAssembly.Module | undefined> {
  compilePgliteModule();
  const taken = compiling as Promise<WebAssembly.Module | undefined>;
  compiling = undefined;
  return taken;
}

export function discardPgliteModule(): void {
  compiling = undefined;
}
