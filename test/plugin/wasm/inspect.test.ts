import { describe, expect, test } from "bun:test";
import {
  checkToolComponent,
  componentProblems,
  versionProblem,
} from "../../../src/plugin/wasm/component-policy.ts";
import {
  ComponentRefusedError,
  inspectComponent,
  parseWorldItems,
} from "../../../src/plugin/wasm/inspect.ts";
import { buildTestGuest, echoGuestSource } from "./support/build-guest.ts";

describe("inspectComponent", () => {
  test("lists a real component's imports and exports and the WIT version it was built for", async () => {
    const component = await inspectComponent(await buildTestGuest(echoGuestSource("inspect")));
    expect(component.imports).toEqual(["ironclaw:plugin/host@0.1.0", "ironclaw:plugin/tool-types@0.1.0"]);
    expect(component.exports).toEqual(expect.arrayContaining(["description", "schema", "execute"]));
    expect(component.pluginVersion).toBe("0.1.0");
    expect(componentProblems(component)).toEqual([]);
    expect(checkToolComponent(component)).toBe(component);
  }, 60_000);

  test("refuses what is not a component, naming why", async () => {
    await expect(inspectComponent(new TextEncoder().encode("#!/bin/sh\nrm -rf /\n"))).rejects.toThrow(
      "not a WebAssembly file",
    );
    const coreModule = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(inspectComponent(coreModule)).rejects.toThrow("a core WebAssembly module, not a component");
    await expect(inspectComponent(new Uint8Array())).rejects.toBeInstanceOf(ComponentRefusedError);
  });
});

describe("component policy", () => {
  const ours = [
    "  import ironclaw:plugin/host@0.1.0;",
    "  import ironclaw:plugin/tool-types@0.1.0;",
    "  export description: func() -> string;",
    "  export schema: func() -> string;",
    "  export execute: func(params-json: string, context-json: string) -> result<string, tool-failure>;",
  ];
  const world = (...lines: string[]) => `package root:component;\n\nworld root {\n${lines.join("\n")}\n}\n`;
  const problemsOf = (...lines: string[]) => {
    const items = parseWorldItems(world(...lines));
    return componentProblems({ items, imports: [], exports: [] });
  };

  test("every import other than the host's interfaces is refused with what it would give", () => {
    expect(problemsOf(...ours, "  import wasi:http/outgoing-handler@0.2.3;")).toEqual([
      "imports wasi:http/outgoing-handler@0.2.3: network access outside the host is not allowed",
    ]);
    expect(problemsOf(...ours, "  import wasi:sockets/tcp@0.2.3;")[0]).toContain("network access");
    expect(problemsOf(...ours, "  import wasi:filesystem/types@0.2.3;")[0]).toContain(
      "file system access is not allowed",
    );
    expect(problemsOf(...ours, "  import wasi:cli/environment@0.2.3;")[0]).toContain("environment variables");
    expect(problemsOf(...ours, "  import wasi:random/random@0.2.3;")[0]).toContain(
      "randomness comes from the host",
    );
    expect(problemsOf(...ours, "  import evil:net/raw@1.0.0;")[0]).toBe(
      "imports evil:net/raw@1.0.0: not an interface of the IronClaw host",
    );
    // A bare function import or an inline interface is not one of ours either, whatever its name.
    expect(problemsOf(...ours, "  import spawn: func(command: string) -> string;")[0]).toContain(
      "imports spawn",
    );
    expect(problemsOf(...ours, "  import host: interface {", "    f: func();", "  }")[0]).toContain(
      "imports host",
    );
  });

  test("the tool world's exports must be there with their signatures", () => {
    expect(problemsOf(...ours.slice(0, 4))).toEqual(["does not export execute"]);
    expect(problemsOf(...ours.slice(0, 4), "  export execute: func(params-json: string) -> string;")).toEqual(
      [
        "exports execute as func(string) -> string, expected func(string, string) -> result<string, tool-failure>",
      ],
    );
    expect(problemsOf("  export description: func() -> string;")).toContain(
      "does not use the ironclaw:plugin tool world (this host implements ironclaw:plugin@0.1.0)",
    );
  });

  test("the version rule: same major, minor not above the host's", () => {
    expect(versionProblem("0.1.0")).toBeUndefined();
    expect(versionProblem("0.1.7")).toBeUndefined();
    expect(versionProblem("0.0.3")).toBeUndefined();
    expect(versionProblem("0.2.0")).toBe(
      "was built for ironclaw:plugin@0.2.0; this host implements ironclaw:plugin@0.1.0 and loads 0.0.x to 0.1.x: rebuild it against tools/wit",
    );
    expect(versionProblem("1.0.0")).toContain(
      "was built for ironclaw:plugin@1.0.0; this host implements ironclaw:plugin@0.1.0",
    );
    expect(versionProblem("0.1.0-rc.1")).toContain("not a release version");
    const mixed = problemsOf(
      "  import ironclaw:plugin/host@0.1.0;",
      "  import ironclaw:plugin/tool-types@0.2.0;",
      ...ours.slice(2),
    );
    expect(mixed).toEqual(["mixes ironclaw:plugin versions 0.1.0 and 0.2.0"]);
  });

  test("all problems are reported in one refusal", () => {
    const items = parseWorldItems(
      world("  import wasi:http/outgoing-handler@0.2.3;", "  import ironclaw:plugin/host@0.2.0;"),
    );
    expect(() => checkToolComponent({ items, imports: [], exports: [] })).toThrow(
      /The component is refused: it imports wasi:http\/outgoing-handler@0\.2\.3: network access outside the host is not allowed; it was built for ironclaw:plugin@0\.2\.0.*; it does not export description/,
    );
  });
});
