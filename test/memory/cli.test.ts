/**
 * `ironclaw memory …` on a real embedded database in a fresh IRONCLAW_HOME, with the local
 * embedder so vector search runs too (PGlite ships pgvector).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMemoryCommand } from "../../src/cli/memory.ts";

const home = mkdtempSync(join(tmpdir(), "ironclaw-memory-cli-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { IRONCLAW_HOME: home, EMBEDDING_BACKEND: "local", LOG_LEVEL: "error" };

async function run(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runMemoryCommand(
    args,
    env,
    (line) => lines.push(line),
    async () => "from stdin\n",
  );
  return { code, output: lines.join("\n") };
}

test("memory write, read, search, tree, status, export and import from the terminal", async () => {
  expect((await run("write", "notes/garden.md", "--text", "Plant tulips in November.")).output).toContain(
    "Wrote notes/garden.md (25 bytes).",
  );
  expect((await run("write", "notes/stdin.md")).output).toContain("Wrote notes/stdin.md");
  expect((await run("read", "notes/stdin.md")).output).toBe("from stdin\n");
  const search = await run("search", "tulips");
  expect(search.output).toMatch(/^1\.000 {2}notes\/garden\.md #0/);
  expect(search.output).not.toContain("vector search is not available");
  expect((await run("tree", "notes/")).output).toMatch(/25 {2}notes\/garden\.md/);
  const status = await run("status");
  expect(status.output).toContain("documents: 2, chunks: 2");
  expect(status.output).toMatch(/vectors: pgvector [\d.]+, model local-hash-v1-256: 2\/2 chunks embedded/);

  const out = mkdtempSync(join(tmpdir(), "ironclaw-memory-export-"));
  expect((await run("export", out)).output).toBe(`Exported 2 document(s) to ${out}.`);
  writeFileSync(join(out, "notes", "garden.md"), "Plant tulips in October.");
  expect((await run("import", out)).output).toContain("Imported 1, unchanged 1, skipped 0.");
  expect((await run("read", "notes/garden.md")).output).toBe("Plant tulips in October.");
  expect(readFileSync(join(out, "notes", "stdin.md"), "utf8")).toBe("from stdin\n");
  rmSync(out, { recursive: true, force: true });

  expect(await run("read", "../../etc/passwd")).toEqual({
    code: 1,
    output: expect.stringContaining('".." is not allowed'),
  });
  expect((await run("bogus")).code).toBe(2);
}, 60_000);
