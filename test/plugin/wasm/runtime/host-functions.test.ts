import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { probeGuestSource } from "../support/probe-guest.ts";
import { createTestRuntime, testArtifact } from "../support/runtime.ts";

const harness = createTestRuntime();
const workspaceDir = mkdtempSync(join(tmpdir(), "ironclaw-wasm-workspace-"));
let tool: Tool;

beforeAll(async () => {
  mkdirSync(join(workspaceDir, "notes"), { recursive: true });
  writeFileSync(join(workspaceDir, "notes", "today.md"), "- pay rent");
  writeFileSync(join(workspaceDir, "private.md"), "diary");
  tool = await harness.runtime.load(
    await testArtifact("probe", probeGuestSource, {
      workspace: { readPrefixes: ["notes/"] },
      secrets: { allowedNames: ["visible_token"] },
    }),
  );
}, 120_000);
afterAll(async () => {
  await harness.close();
  rmSync(workspaceDir, { recursive: true, force: true });
});

const secrets = { exists: async (name: string) => name === "visible_token" || name === "hidden_token" };
const context = () => createTestToolContext({}, { workspaceDir, secrets });
const run = async (params: Record<string, unknown>) => (await tool.execute(params, context())).content;

describe("host functions", () => {
  test("the guest gets the call's context", async () => {
    const ctx = createTestToolContext({ conversationId: "c-9", turnId: "t-9", now: () => new Date(1234) });
    const result = await tool.execute({ op: "context" }, ctx);
    expect(JSON.parse(result.content)).toEqual({ conversationId: "c-9", turnId: "t-9", nowMillis: 1234 });
  });

  test("now-millis is the host clock and random-bytes gives at most 4096 bytes", async () => {
    const now = Number(await run({ op: "now" }));
    expect(Math.abs(now - Date.now())).toBeLessThan(5_000);
    expect(await run({ op: "random", length: 16 })).toBe("16");
    expect(await run({ op: "random", length: 1_000_000 })).toBe("4096");
  });

  test("workspace-read reads only under the granted prefixes", async () => {
    expect(JSON.parse(await run({ op: "workspace", path: "notes/today.md" }))).toEqual({ ok: "- pay rent" });
    for (const path of ["private.md", "notes/../private.md", "../etc/passwd", "/etc/passwd", "notesx/a.md"]) {
      const answer = JSON.parse(await run({ op: "workspace", path }));
      expect(answer.ok).toBeUndefined();
      expect(typeof answer.err).toBe("string");
    }
  });

  test("secret-exists answers only for names the manifest lists", async () => {
    expect(await run({ op: "secret", name: "visible_token" })).toBe("true");
    expect(await run({ op: "secret", name: "hidden_token" })).toBe("false");
    expect(await run({ op: "secret", name: "missing" })).toBe("false");
  });

  test("log lines go to the host log under the tool's name, not to the model", async () => {
    const result = await tool.execute(
      { op: "log", message: "hello from the guest", level: "warn" },
      context(),
    );
    expect(result.content).toBe("logged");
    const line = harness.lines.find((entry) => entry.message === "hello from the guest");
    expect(line?.level).toBe("warn");
    expect(line?.fields.tool).toBe("probe");
  });

  test("a guest error is an error result with its message", async () => {
    const result = await tool.execute({ op: "fail", message: "no such city" }, context());
    expect(result).toEqual({ content: "no such city", isError: true });
  });
});
