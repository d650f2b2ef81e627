// The unit-convert example tool, built from tools/unit-convert/ and run in the real WASM sandbox.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestToolContext } from "../../support/tool-context.ts";
import { type LoadedExample, loadExampleTool } from "../support/wasm-example.ts";

let loaded: LoadedExample;
beforeAll(async () => {
  loaded = await loadExampleTool("unit-convert");
}, 120_000);
afterAll(() => loaded?.close());

async function convert(value: unknown, from: string, to: string) {
  return loaded.tool.execute({ value, from, to }, createTestToolContext());
}

test("the manifest grants nothing and the model sees the component's schema", () => {
  const { manifest } = loaded.artifact;
  expect(manifest.http.allowlist).toEqual([]);
  expect(manifest.credentials).toEqual([]);
  expect(manifest.secrets.allowedNames).toEqual([]);
  expect(manifest.workspace.readPrefixes).toEqual([]);
  expect(loaded.tool.name).toBe("unit-convert");
  expect((loaded.tool.parameters as { required?: string[] }).required).toEqual(["value", "from", "to"]);
});

test("converts length, mass, data and temperature", async () => {
  const cases: Array<[number, string, string, number]> = [
    [5, "km", "mi", 3.10685596119],
    [1, "lb", "g", 453.59237],
    [1, "GiB", "MB", 1073.741824],
    [100, "C", "F", 212],
    [-40, "fahrenheit", "celsius", -40],
    [90, "min", "h", 1.5],
  ];
  for (const [value, from, to, expected] of cases) {
    const result = await convert(value, from, to);
    expect(result.isError ?? false).toBe(false);
    expect(JSON.parse(String(result.content)).result).toBe(expected);
  }
});

test("bad input is an error result for the model, and the tool keeps working", async () => {
  const mixed = await convert(1, "kg", "m");
  expect(mixed.isError).toBe(true);
  expect(String(mixed.content)).toContain("cannot convert mass (kg) to length (m)");
  expect(String((await convert(1, "parsec", "m")).content)).toContain('unknown unit "parsec"');
  expect(String((await convert("ten", "m", "km")).content)).toContain("value must be a finite number");
  expect(JSON.parse(String((await convert(1, "m", "cm")).content)).result).toBe(100);
});
