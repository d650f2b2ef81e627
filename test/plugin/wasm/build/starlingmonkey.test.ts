// The StarlingMonkey backend (componentize-js): the same source and prelude as qjs, a component
// that imports nothing but the ironclaw interfaces (every WASI feature disabled). One build
// (~6–50 s, ~750 MB), so this file checks the essentials only; prelude.test.ts covers the rest.
import { beforeAll, expect, test } from "bun:test";
import { buildWasmTool } from "../../../../src/plugin/wasm/build/index.ts";
import { componentImports, instantiateTool, type RunnableTool } from "./support/run-component.ts";

let tool: RunnableTool;
let component: Uint8Array;

beforeAll(async () => {
  const source = await Bun.file(new URL("./fixtures/prelude-probe.ts", import.meta.url)).text();
  const result = await buildWasmTool({
    source,
    language: "ts",
    backend: "starlingmonkey",
    timeoutMs: 180_000,
  });
  if (!result.ok) throw new Error(result.error);
  component = result.component;
  tool = await instantiateTool(component);
}, 200_000);

test("the component imports only the ironclaw interfaces: no WASI", async () => {
  expect(await componentImports(component)).toEqual([
    "ironclaw:plugin/host@0.1.0",
    "ironclaw:plugin/tool-types@0.1.0",
  ]);
});

test("exports, host clock, host randomness, console and errors behave as with qjs", () => {
  expect(tool.description()).toBe("Probes the guest prelude.");
  tool.host.nowMillis = Date.UTC(2030, 0, 2);
  expect(JSON.parse(tool.execute({ probe: "clock" })).date).toBe("2030-01-02T00:00:00.000Z");
  const first = JSON.parse(tool.execute({ probe: "random" }));
  const second = JSON.parse(tool.execute({ probe: "random" }));
  expect(first.random[0]).not.toBe(second.random[0]);
  tool.execute({ probe: "console" });
  expect(tool.host.logs.map(([level]) => level)).toEqual(["info", "info", "warn", "error", "debug"]);
  expect(() => tool.execute({ probe: "throw" })).toThrow("RangeError: out of range on purpose");
  expect(tool.execute({ probe: "string" })).toBe("plain text, not JSON-encoded");
});
