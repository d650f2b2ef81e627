// What an author (or the model) gets back when a tool cannot be built: the source checks that run
// before any build, the errors of the build itself, and the limits on the build process.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWasmTool } from "../../../../src/plugin/wasm/build/index.ts";

const valid = `
export const description = "says hi";
export const schema = { type: "object", properties: {} };
export function execute() { return "hi"; }
`;

async function buildError(source: string, language: "js" | "ts" = "js", extra = {}): Promise<string> {
  const result = await buildWasmTool({ source, language, ...extra });
  if (result.ok) throw new Error("expected the build to fail");
  return result.error;
}

describe("refused before building", () => {
  test("empty and whitespace-only sources", async () => {
    expect(await buildError("")).toContain("the source is empty");
    expect(await buildError(" \n\t ")).toContain("the source is empty");
  });

  test("a source above the size limit", async () => {
    const huge = `${valid}\n// ${"x".repeat(300 * 1024)}`;
    expect(await buildError(huge)).toMatch(/the source is \d+ bytes; the limit is 262144 bytes/);
    expect(await buildError(valid, "js", { maxSourceBytes: 50 })).toContain("the limit is 50 bytes");
  });

  test("a syntax error names the line", async () => {
    const error = await buildError("export const a = 1;\nexport function execute( {\n", "js");
    expect(error).toStartWith("syntax error:");
    expect(error).toContain("line 2");
    expect(await buildError("const x: number = ;", "ts")).toStartWith("syntax error:");
  });

  test("imports of files, packages and built-in modules are refused (a build would embed them)", async () => {
    for (const statement of [
      'import secret from "../../../etc/passwd";',
      'import { readFileSync } from "node:fs";',
      'import "./other.js";',
      'export { x } from "/etc/hosts";',
      'const m = await import("./sneaky.js");',
    ]) {
      const error = await buildError(`${statement}\n${valid}`);
      expect(error).toContain("not allowed");
      expect(error).toContain('may only import from "ironclaw:tool"');
    }
  });

  test("require() and computed dynamic import() are refused", async () => {
    expect(await buildError(`const fs = require("fs");\n${valid}`)).toContain(
      "require() and dynamic import()",
    );
    expect(await buildError(`const name = "./x.js"; import(name);\n${valid}`)).toContain("dynamic import()");
  });

  test("a type-only import in TypeScript is fine (it is erased)", async () => {
    const source = `import type { ToolContext } from "ironclaw:tool";\nimport type { Foo } from "./types";\n${valid}`;
    const result = await buildWasmTool({ source, language: "ts" });
    expect(result.ok).toBe(true);
  }, 60_000);

  test("unknown backend or language", async () => {
    expect(await buildError(valid, "js", { backend: "v8" })).toContain("unknown backend");
    expect(await buildError(valid, "py" as "js")).toContain("unknown language");
  });
});

describe("refused by the build", () => {
  test("a module without execute, description or an object schema says what is missing", async () => {
    expect(
      await buildError('export const description = "x"; export const schema = { type: "object" };'),
    ).toContain("must export a function `execute(params, context)`");
    expect(
      await buildError('export const schema = { type: "object" }; export function execute() {}'),
    ).toContain("must export `description`");
    expect(
      await buildError(
        'export const description = "x"; export const schema = { type: "string" }; export function execute() {}',
      ),
    ).toContain("must export `schema` as an object schema");
  }, 60_000);

  test("an exception at the module top level reaches the author with its message", async () => {
    const error = await buildError(`throw new Error("top level exploded");\n${valid}`);
    expect(error).toContain("top level exploded");
    expect(error).not.toMatch(/0x[0-9a-f]+ - /); // no wasm backtrace
  }, 60_000);

  test("host functions at the top level are refused: randomness and time would be frozen into the snapshot", async () => {
    expect(await buildError(`const seed = Math.random();\n${valid}`)).toContain(
      "crypto.getRandomValues() / Math.random() is not available while the tool is being built",
    );
    expect(await buildError(`const started = Date.now();\n${valid}`)).toContain("call it inside execute()");
  }, 60_000);
});

describe("limits on the build process", () => {
  test("a build that takes longer than its time limit is killed and says so", async () => {
    const started = performance.now();
    const error = await buildError(valid, "js", { timeoutMs: 300 });
    expect(error).toBe("the build took longer than 300 ms and was stopped");
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  test("a build that uses more memory than its limit is killed and says so", async () => {
    expect(await buildError(valid, "js", { memoryMb: 40 })).toBe(
      "the build used more than 40 MB of memory and was stopped",
    );
  }, 60_000);

  test("the temp build folders are removed, whatever the outcome", async () => {
    const folders = () =>
      readdirSync(tmpdir()).filter((name) => name.startsWith("ironclaw-build-") && !name.includes("test"));
    const before = new Set(folders());
    await buildWasmTool({ source: valid, language: "js", timeoutMs: 300 });
    await buildWasmTool({ source: 'throw new Error("x");', language: "js" });
    expect(folders().filter((name) => !before.has(name))).toEqual([]);
  }, 60_000);
});

describe("toolchain", () => {
  test("both backends' packages are found here (doctor and tool_build ask the same function)", async () => {
    const { missingToolchain } = await import("../../../../src/plugin/wasm/build/index.ts");
    expect(missingToolchain("qjs")).toBeUndefined();
    expect(missingToolchain("starlingmonkey")).toBeUndefined();
  });

  test("a machine without the packages gets one line saying what to install", async () => {
    const { missingToolchain } = await import("../../../../src/plugin/wasm/build/index.ts");
    const empty = await mkdtemp(join(tmpdir(), "ironclaw-no-toolchain-"));
    try {
      expect(missingToolchain("qjs", empty)).toBe(
        "the WASM build toolchain for qjs is missing (componentize-qjs): run `npm install` in the IronClaw folder",
      );
      expect(missingToolchain("starlingmonkey", empty)).toContain("@bytecodealliance/componentize-js");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
