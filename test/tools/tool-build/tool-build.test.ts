/**
 * The tool_build contract as the pipeline sees it: every call asks the owner with no "Always";
 * the precheck is the self-builder's (a refused request never reaches the owner); the policy
 * gate asks even when the owner chose always-allow for it.
 */
import { expect, test } from "bun:test";
import { approvalTierOf, createApprovalGate, setToolChoice } from "../../../src/approvals/policy.ts";
import { createSelfBuilder } from "../../../src/plugin/wasm/self-build/self-builder.ts";
import { createToolBuildTool } from "../../../tools/tool-build/index.ts";
import { forEachBackend } from "../../support/db.ts";
import { createTestToolContext } from "../../support/tool-context.ts";

forEachBackend("tool_build tool", ({ database }) => {
  test("asks every time, never auto-approved; its precheck refuses a bad request", async () => {
    const { db } = await database();
    const builder = createSelfBuilder({
      db,
      reservedNames: new Set(["tool_build"]),
      sandbox: async () => {
        throw new Error("not reached");
      },
    });
    const tool = createToolBuildTool(builder);
    const params = { name: "x", description: "x", source: "", tests: [{ params: {}, expect: 1 }] };
    expect(tool.approval).toBe("always");
    expect(tool.risk).toBe("exec");
    expect(await approvalTierOf(tool, params)).toBe("always");
    await setToolChoice(db, "tool_build", "always-allow");
    const gate = createApprovalGate(db);
    expect(await gate({ call: { id: "1", name: "tool_build", arguments: "{}" }, tool, params })).toEqual({
      action: "ask",
    });
    expect(await tool.precheck?.(params, createTestToolContext())).toContain("source is empty");
    // No held build: nothing to summarize (the host falls back) and nothing to install.
    expect(() => tool.summarize?.(params)).toThrow();
    expect((await tool.execute(params, createTestToolContext())).isError).toBe(true);
  });
});
