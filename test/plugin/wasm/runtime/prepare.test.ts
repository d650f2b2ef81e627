import { describe, expect, test } from "bun:test";
import { transpile } from "@bytecodealliance/jco";
import binaryen from "binaryen";
import { capMemory } from "../../../../src/plugin/wasm/runtime/cap-memory.ts";
import { meterImportModule, meterLoops } from "../../../../src/plugin/wasm/runtime/meter-loops.ts";
import {
  clearStop,
  createStopFlag,
  raiseStop,
  readStop,
} from "../../../../src/plugin/wasm/runtime/stop-flag.ts";
import { buildTestGuest, echoGuestSource } from "../support/build-guest.ts";

const wat = `(module
  (import "env" "memory" (memory 1))
  (memory $own 2)
  (func (export "spin") (param $n i32) (result i32)
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (block $outer (loop $inner (br_if $outer (i32.const 1)) (br $inner)))
    (local.get $i)))`;

function moduleBytes(): Uint8Array {
  const module = binaryen.parseText(wat);
  module.setFeatures(binaryen.Features.All);
  const bytes = module.emitBinary();
  module.dispose();
  return bytes;
}

describe("preparing core modules", () => {
  test("every loop header traps once the stop flag is raised, and runs freely before", () => {
    const { bytes, loops } = meterLoops(moduleBytes());
    expect(loops).toBe(2);
    const flag = createStopFlag();
    const imports = {
      env: { memory: new WebAssembly.Memory({ initial: 1 }) },
      [meterImportModule]: { stop: flag },
    };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    const spin = instance.exports.spin as (n: number) => number;
    expect(spin(2500)).toBe(2500);
    raiseStop(flag, "timeout");
    expect(() => spin(10)).toThrow(WebAssembly.RuntimeError);
    expect(readStop(flag)).toBe("timeout");
    clearStop(flag);
    expect(spin(10)).toBe(10);
  });

  test("a module that imports from the host's meter namespace is refused", () => {
    const module = binaryen.parseText(`(module
      (import "ironclaw:meter" "stop" (memory 1 1 shared))
      (func (export "f") (loop $l (br $l))))`);
    module.setFeatures(binaryen.Features.All);
    const bytes = module.emitBinary();
    module.dispose();
    expect(() => meterLoops(bytes)).toThrow("which is the host's");
  });

  test("memories, defined and imported, get the cap as their maximum", () => {
    const capped = capMemory(meterLoops(moduleBytes()).bytes, 1);
    const module = new WebAssembly.Module(capped);
    const memoryImport = WebAssembly.Module.imports(module).find((entry) => entry.kind === "memory");
    expect(memoryImport?.name).toBe("memory");
    const tooBig = new WebAssembly.Memory({ initial: 1, maximum: 64 });
    const fits = new WebAssembly.Memory({ initial: 1, maximum: 16 });
    const meter = { [meterImportModule]: { stop: createStopFlag() } };
    expect(() => new WebAssembly.Instance(module, { env: { memory: tooBig }, ...meter })).toThrow();
    expect(() => new WebAssembly.Instance(module, { env: { memory: fits }, ...meter })).not.toThrow();
    expect(() => capMemory(moduleBytes(), 0.0625)).toThrow("above its cap");
  });

  test("all loops of a real QuickJS component are found (same count as its text)", async () => {
    const output = await transpile(await buildTestGuest(echoGuestSource()), {
      name: "tool",
      instantiation: "sync",
      quiet: true,
    });
    for (const [name, bytes] of Object.entries(output.files)) {
      if (!name.endsWith(".wasm")) continue;
      const module = binaryen.readBinary(bytes);
      module.setFeatures(binaryen.Features.All);
      const textLoops = (module.emitText().match(/\(loop/g) ?? []).length;
      module.dispose();
      expect(`${name}: ${meterLoops(bytes).loops}`).toBe(`${name}: ${textLoops}`);
    }
  }, 60_000);
});
