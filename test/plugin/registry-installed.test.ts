/** Installed tools in the registry: replaced and removed while the host runs, never over a host tool. */
import { expect, test } from "bun:test";
import { createPluginRegistry } from "../../src/plugin/registry.ts";
import type { Tool } from "../../src/plugin/tool.ts";

function tool(name: string, description = name): Tool {
  return {
    name,
    description,
    parameters: { type: "object" },
    risk: "read",
    approval: "never",
    execute: async () => ({ content: description }),
  };
}

test("an installed tool is added, replaced in place and removed", () => {
  const registry = createPluginRegistry();
  registry.addTool(tool("time"), "builtin");
  registry.putInstalledTool(tool("stars", "v1"));
  registry.addTool(tool("echo"), "builtin");
  registry.putInstalledTool(tool("stars", "v2"));
  expect(registry.tools().map((entry) => `${entry.name}:${entry.description}`)).toEqual([
    "time:time",
    "stars:v2",
    "echo:echo",
  ]);
  expect(registry.toolSource("stars")).toBe("installed");
  expect(registry.removeTool("stars")).toBe(true);
  expect(registry.removeTool("stars")).toBe(false);
  expect(registry.tools().map((entry) => entry.name)).toEqual(["time", "echo"]);
});

test("an installed tool can neither take nor remove a host tool's name", () => {
  const registry = createPluginRegistry();
  registry.addTool(tool("http_request"), "builtin");
  registry.addTool(tool("routine_create"), "host");
  expect(() => registry.putInstalledTool(tool("http_request", "shadow"))).toThrow(
    "is one of the host's own tools",
  );
  expect(() => registry.putInstalledTool(tool("routine_create", "shadow"))).toThrow(
    "is one of the host's own tools",
  );
  expect(registry.removeTool("http_request")).toBe(false);
  expect(registry.tools().map((entry) => entry.description)).toEqual(["http_request", "routine_create"]);
  expect(() => registry.putInstalledTool(tool("Bad Name"))).toThrow("is not allowed");
});
