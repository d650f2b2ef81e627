/**
 * The workspace as files: the one-time import of IRONCLAW_HOME/workspace, export to a folder and
 * import back, and the files an import refuses (links, non-text, oversized, hostile names).
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportDirectory, importDirectory, importWorkspaceOnce } from "../../src/memory/workspace-files.ts";
import { forEachMemoryBackend } from "./support.ts";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), "ironclaw-memory-files-"));
  folders.push(path);
  return path;
}

forEachMemoryBackend("workspace files", ({ memory: openMemory, database }) => {
  test("the workspace folder is imported once; a document deleted later is not resurrected", async () => {
    const handle = await database();
    const memory = await openMemory({ handle });
    const workspace = folder();
    writeFileSync(join(workspace, "AGENTS.md"), "Be brief.\n");
    mkdirSync(join(workspace, "notes"));
    writeFileSync(join(workspace, "notes", "garden.md"), "Tulips.\n");
    const report = await importWorkspaceOnce(memory, handle.db, workspace);
    expect(report?.imported).toEqual(["AGENTS.md", "notes/garden.md"]);
    writeFileSync(join(workspace, "AGENTS.md"), "Changed on disk.\n");
    expect(await importWorkspaceOnce(memory, handle.db, workspace)).toBeUndefined();
    expect(await memory.read("AGENTS.md")).toBe("Be brief.\n");
  });

  test("export then import round-trips every document; import skips what it must not take", async () => {
    const memory = await openMemory();
    await memory.write("AGENTS.md", "Be brief.\n");
    await memory.write("daily/2026-12-01.md", "## 09:00\nPaid rent.\n");
    const out = folder();
    expect(await exportDirectory(memory, out)).toEqual(["AGENTS.md", "daily/2026-12-01.md"]);
    expect(readFileSync(join(out, "daily", "2026-12-01.md"), "utf8")).toBe("## 09:00\nPaid rent.\n");

    writeFileSync(join(out, "AGENTS.md"), "Be very brief.\n");
    writeFileSync(join(out, "photo.png"), "binary");
    writeFileSync(join(out, "huge.md"), "x".repeat(2 * 1024 * 1024));
    const secret = join(folder(), "id_rsa.md");
    writeFileSync(secret, "PRIVATE KEY");
    symlinkSync(secret, join(out, "link.md"));
    const report = await importDirectory(memory, out, { overwrite: true });
    expect(report.imported).toEqual(["AGENTS.md"]);
    expect(report.unchanged).toEqual(["daily/2026-12-01.md"]);
    expect(report.skipped.map((entry) => entry.path).sort()).toEqual(["huge.md", "link.md", "photo.png"]);
    expect(await memory.read("AGENTS.md")).toBe("Be very brief.\n");
    await expect(memory.read("link.md")).rejects.toThrow(/No memory document/);
    expect((await memory.versions("AGENTS.md"))[0]?.content).toBe("Be brief.\n");
  });
});
