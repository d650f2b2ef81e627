import { afterAll, describe, expect, test } from "bun:test";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { echoGuestSource } from "../support/build-guest.ts";
import { createTestRuntime, testArtifact } from "../support/runtime.ts";

const harness = createTestRuntime();
afterAll(() => harness.close());

describe("WASM tool runtime", () => {
  test("loads a component and calls it", async () => {
    const tool = await harness.runtime.load(await testArtifact("echo", echoGuestSource()));
    expect(tool.name).toBe("echo");
    expect(tool.description).toBe("echo: answers its parameters back.");
    expect(tool.parameters).toEqual({ type: "object", properties: { text: { type: "string" } } });
    const result = await tool.execute({ text: "hi" }, createTestToolContext());
    expect(result).toEqual({ content: 'echo:{"text":"hi"}' });
    const again = await tool.execute({ text: "again" }, createTestToolContext());
    expect(again).toEqual({ content: 'echo:{"text":"again"}' });
  }, 60_000);
});
