// `ironclaw tools build`: writes the component where asked, prints size and SHA-256, and turns
// every problem into one clear line and exit code 1.
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runToolsBuildCommand } from "../../src/cli/tools-build.ts";

const folder = await mkdtemp(join(tmpdir(), "ironclaw-tools-build-cli-"));
afterAll(() => rm(folder, { recursive: true, force: true }));

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    io: { print: (line: string) => lines.push(line), printError: (line: string) => errors.push(line) },
  };
}

test("builds a TypeScript tool beside its source and prints path, size, SHA-256, duration", async () => {
  const source = join(folder, "greet.ts");
  await writeFile(
    source,
    `export const description = "greets";
export const schema = { type: "object", properties: { name: { type: "string" } } };
export function execute(params: { name: string }): string { return "hello " + params.name; }
`,
  );
  const { lines, errors, io } = capture();
  expect(await runToolsBuildCommand([source], io)).toBe(0);
  expect(errors).toEqual([]);
  const output = join(folder, "greet.wasm");
  const bytes = new Uint8Array(await Bun.file(output).arrayBuffer());
  expect(lines[0]).toStartWith(`Building ${source} (qjs)`);
  expect(lines).toContain(`Built ${output}`);
  expect(lines.join("\n")).toContain(`sha256   ${createHash("sha256").update(bytes).digest("hex")}`);
  expect(lines.join("\n")).toContain(`(${bytes.byteLength} bytes)`);
}, 60_000);

test("--out writes where asked (creating the folder)", async () => {
  const source = join(folder, "plain.js");
  await writeFile(
    source,
    'export const description = "d"; export const schema = { type: "object" }; export function execute() { return 1; }',
  );
  const out = join(folder, "nested", "dist", "plain-tool.wasm");
  const { io } = capture();
  expect(await runToolsBuildCommand([source, "--out", out], io)).toBe(0);
  expect((await Bun.file(out).arrayBuffer()).byteLength).toBeGreaterThan(100_000);
}, 60_000);

test("a build error is printed for the author and exits 1; nothing is written", async () => {
  const source = join(folder, "broken.js");
  await writeFile(source, 'import fs from "node:fs";\nexport function execute() {}');
  const { errors, io } = capture();
  expect(await runToolsBuildCommand([source], io)).toBe(1);
  expect(errors[0]).toContain("imports are not allowed");
  expect(await Bun.file(join(folder, "broken.wasm")).exists()).toBe(false);
});

test("usage errors: no file, missing file, wrong extension, bad backend, unknown option", async () => {
  const cases: Array<[string[], string]> = [
    [[], "which source file?"],
    [[join(folder, "absent.ts")], "no such file"],
    [[join(folder, "notes.txt")], "is not a .js or .ts file"],
    [["x.ts", "--backend", "v8"], "--backend must be qjs or starlingmonkey"],
    [["x.ts", "--fast"], "unknown option --fast"],
    [["x.ts", "--out"], "--out needs a value"],
  ];
  for (const [args, message] of cases) {
    const { errors, io } = capture();
    expect(await runToolsBuildCommand(args, io)).toBe(1);
    expect(errors[0]).toContain(message);
  }
});
