/**
 * The workspace port reads and writes under the owner's workspace folder and nowhere else:
 * absolute paths, `..` that climbs out, NUL bytes and links that lead outside are refused.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import { createWorkspacePort, WorkspacePathError } from "../../../src/plugin/ports/workspace-port.ts";

const base = mkdtempSync(join(tmpdir(), "ironclaw-workspace-port-"));
const root = join(base, "workspace");
const outside = join(base, "outside");
mkdirSync(root);
mkdirSync(outside);
writeFileSync(join(outside, "secret.txt"), "not for tools");
symlinkSync(outside, join(root, "escape"));
symlinkSync(join(outside, "secret.txt"), join(root, "linked-secret.txt"));
const workspace = createWorkspacePort(root);

afterAll(() => rmSync(base, { recursive: true, force: true }));

async function refusal(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkspacePathError);
  return (error as Error).message;
}

describe("workspace port", () => {
  test("writes and reads back a file in a new folder under the workspace", async () => {
    await workspace.write("notes/today.md", "- pay rent");
    expect(readFileSync(join(root, "notes", "today.md"), "utf8")).toBe("- pay rent");
    expect(await workspace.read("notes/today.md")).toBe("- pay rent");
    expect(await workspace.read("./notes/../notes/today.md")).toBe("- pay rent");
  });

  test.each([
    ["../outside/secret.txt", "outside the workspace"],
    ["notes/../../outside/secret.txt", "outside the workspace"],
    [join(outside, "secret.txt"), "relative to the workspace"],
    ["", "relative to the workspace"],
    [".", "outside the workspace"],
    ["notes\0.md", "NUL byte"],
  ])("refuses to read %j", async (path, reason) => {
    expect(await refusal(workspace.read(path))).toContain(reason);
  });

  test("refuses links that lead outside, for reading and for writing", async () => {
    expect(await refusal(workspace.read("escape/secret.txt"))).toContain("leads outside the workspace");
    expect(await refusal(workspace.read("linked-secret.txt"))).toContain("leads outside the workspace");
    expect(await refusal(workspace.write("escape/new.txt", "x"))).toContain("leads outside the workspace");
    expect(await refusal(workspace.write("linked-secret.txt", "overwritten"))).toContain(
      "leads outside the workspace",
    );
    expect(await refusal(workspace.write("../outside/new.txt", "x"))).toContain("outside the workspace");
    expect(readFileSync(join(outside, "secret.txt"), "utf8")).toBe("not for tools");
  });

  test("a missing file is a clear refusal naming it", async () => {
    expect(await refusal(workspace.read("nothing-here.md"))).toBe(
      'No file "nothing-here.md" in the workspace.',
    );
  });

  test("without a workspace folder every call is refused", async () => {
    const { workspace: none } = createToolPorts();
    expect(await refusal(none.read("a.txt"))).toContain("No workspace is configured");
    expect(await refusal(none.write("a.txt", "x"))).toContain("No workspace is configured");
  });
});
