/**
 * Attack: reach the host through JavaScript globals or modules (process, Bun, require, fetch,
 * QuickJS's std/os, the Worker's postMessage, WebAssembly) from inside the guest. The guest is
 * QuickJS in wasm and its whole world is the import object of six host functions.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("globals_probe"));
}, 120_000);
afterAll(() => harness.close());

describe("escape: host globals", () => {
  test("no host global is reachable and the host object has only the WIT's functions", async () => {
    const seen = JSON.parse((await tool.execute({ op: "globals" }, createTestToolContext())).content);
    const { hostKeys, ...globals } = seen;
    for (const [name, type] of Object.entries(globals)) expect(`${name}: ${type}`).toBe(`${name}: undefined`);
    expect(hostKeys).toBe("httpRequest,log,nowMillis,randomBytes,secretExists,workspaceRead");
  });

  test("importing QuickJS's std, os or a Node module never loads", async () => {
    for (const module of ["std", "os", "node:fs", "fs", "bun"]) {
      const result = await tool.execute({ op: "import", module }, createTestToolContext());
      expect(JSON.parse(result.content)).toEqual({ ok: "pending" });
    }
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
  });
});
