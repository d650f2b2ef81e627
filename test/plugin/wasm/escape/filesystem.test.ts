/**
 * Attack: read files of the host. The guest has no filesystem (WASI is stubbed to traps, and
 * install refuses filesystem imports); its only file access is `workspace-read`, limited to the
 * manifest's prefixes and then to the workspace folder (no `..`, absolute paths or links out).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
const root = mkdtempSync(join(tmpdir(), "ironclaw-wasm-fs-"));
const workspaceDir = join(root, "workspace");
beforeAll(async () => {
  mkdirSync(join(workspaceDir, "notes"), { recursive: true });
  writeFileSync(join(root, "outside-secret.txt"), "TOP SECRET");
  writeFileSync(join(workspaceDir, "notes", "ok.md"), "fine");
  symlinkSync(join(root, "outside-secret.txt"), join(workspaceDir, "notes", "link.md"));
  ({ tool, harness } = await loadProbe("fs_probe", { workspace: { readPrefixes: ["notes"] } }));
}, 120_000);
afterAll(async () => {
  await harness.close();
  rmSync(root, { recursive: true, force: true });
});

const read = async (path: string) =>
  JSON.parse(
    (await tool.execute({ op: "workspace", path }, createTestToolContext({}, { workspaceDir }))).content,
  );

describe("escape: filesystem", () => {
  test("paths outside the granted prefix, the workspace or through a link are refused", async () => {
    for (const path of [
      "/etc/passwd",
      "../outside-secret.txt",
      "notes/../../outside-secret.txt",
      "notes/link.md",
      "notes\u0000/ok.md",
      join(root, "outside-secret.txt"),
    ]) {
      const answer = await read(path);
      expect(answer.ok).toBeUndefined();
      expect(JSON.stringify(answer)).not.toContain("TOP SECRET");
    }
    expect(await read("notes/ok.md")).toEqual({ ok: "fine" });
  });

  test("a tool without a workspace grant reads nothing", async () => {
    const loaded = await loadProbe("fs_probe_none");
    try {
      const result = await loaded.tool.execute(
        { op: "workspace", path: "notes/ok.md" },
        createTestToolContext({}, { workspaceDir }),
      );
      expect(JSON.parse(result.content).ok).toBeUndefined();
    } finally {
      await loaded.harness.close();
    }
  }, 60_000);
});
