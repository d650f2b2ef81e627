import { afterAll, describe, expect, test } from "bun:test";
import { AppError } from "../../../../src/errors.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { echoGuestSource } from "../support/build-guest.ts";
import { createTestRuntime, testArtifact } from "../support/runtime.ts";

const harness = createTestRuntime();
afterAll(() => harness.close());

function guestWithSchema(schema: string): string {
  return `
export function description() { return "bad schema"; }
export function schema() { return ${JSON.stringify(schema)}; }
export function execute() { return "never"; }
`;
}

async function loadError(name: string, source: string): Promise<AppError> {
  const error = await harness.runtime.load(await testArtifact(name, source)).catch((caught) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("loading a tool", () => {
  test("the tool takes risk, approval and deadline from the manifest, and its description wins", async () => {
    const tool = await harness.runtime.load(
      await testArtifact("described", echoGuestSource("described"), {
        description: "What the owner approved.",
        risk: "external",
        approval: "always",
        limits: { timeoutMs: 3_000 },
      }),
    );
    expect(tool).toMatchObject({
      description: "What the owner approved.",
      risk: "external",
      approval: "always",
    });
    expect(tool.timeoutMs).toBeGreaterThan(3_000);
  }, 60_000);

  test("a schema that is not JSON, not an object or not an object schema is refused", async () => {
    expect((await loadError("schema_text", guestWithSchema("{nope"))).message).toBe(
      "tool schema_text: schema() did not return valid JSON",
    );
    expect((await loadError("schema_array", guestWithSchema("[1]"))).message).toBe(
      "tool schema_array: schema() must return a JSON object schema",
    );
    expect((await loadError("schema_string", guestWithSchema('{"type":"string"}'))).message).toBe(
      'tool schema_string: schema() must describe an object ("type": "object")',
    );
  }, 120_000);

  test("a tool whose schema() loops forever is refused at load", async () => {
    const source = `
export function description() { return "x"; }
export function schema() { while (true) {} }
export function execute() { return "never"; }
`;
    const error = await loadError("schema_loop", source);
    expect(error.message).toContain("ran out of time");
  }, 60_000);

  test("unload stops the tool and a reload works", async () => {
    const artifact = await testArtifact("reloaded", echoGuestSource("reloaded"));
    await harness.runtime.load(artifact);
    await harness.runtime.unload("reloaded");
    const again = await harness.runtime.load(artifact);
    expect((await again.execute({}, createTestToolContext())).content).toBe("reloaded:{}");
  }, 60_000);

  test("a tool that traps on every call fails each call and leaves other tools working", async () => {
    const trapping = await harness.runtime.load(
      await testArtifact(
        "always_traps",
        `
export function description() { return "traps"; }
export function schema() { return '{"type":"object"}'; }
export function execute() { throw 7; }
`,
      ),
    );
    const healthy = await harness.runtime.load(await testArtifact("healthy", echoGuestSource("healthy")));
    for (let index = 0; index < 3; index += 1) {
      const result = await trapping.execute({}, createTestToolContext());
      expect(result.isError).toBe(true);
    }
    expect((await healthy.execute({}, createTestToolContext())).content).toBe("healthy:{}");
  }, 60_000);
});

describe("the prepared-component cache", () => {
  test("a new memory cap prepares the component again, quietly, and the new cap holds", async () => {
    const { probeGuestSource } = await import("../support/probe-guest.ts");
    const cacheDir = harness.cacheDir;
    const first = createTestRuntime({ cacheDir, cacheKey: harness.cacheKey });
    await first.runtime.load(await testArtifact("capped", probeGuestSource, { limits: { memoryMiB: 64 } }));
    await first.close();
    const second = createTestRuntime({ cacheDir, cacheKey: harness.cacheKey });
    try {
      const tool = await second.runtime.load(
        await testArtifact("capped", probeGuestSource, { limits: { memoryMiB: 48 } }),
      );
      expect(second.lines.filter((line) => line.level === "warn")).toEqual([]);
      const result = await tool.execute({ op: "allocate" }, createTestToolContext());
      expect(result.content).toBe("the tool ran out of memory (its cap is 48 MiB)");
    } finally {
      await second.close();
    }
  }, 120_000);
});
