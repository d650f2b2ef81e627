/** The install prompt on a terminal: only "y" or "yes" installs; anything else leaves nothing behind. */
import { beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolsIo } from "../../src/cli/tools.ts";
import { readInstallTarget, runToolsInstall } from "../../src/cli/tools-install.ts";
import { listWasmTools } from "../../src/db/wasm-tools.ts";
import { buildTestGuest, echoGuestSource } from "../plugin/wasm/support/build-guest.ts";
import { forEachBackend } from "../support/db.ts";

let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "ironclaw-prompt-"));
  writeFileSync(join(folder, "prompted.wasm"), await buildTestGuest(echoGuestSource("prompted")));
  writeFileSync(
    join(folder, "prompted.capabilities.json"),
    JSON.stringify({ kind: "tool", name: "prompted" }),
  );
}, 120_000);

function terminal(answer: string) {
  const out: string[] = [];
  const questions: string[] = [];
  const io: ToolsIo = {
    print: (line) => out.push(line),
    printError: (line) => out.push(line),
    isTerminal: true,
    ask: async (question) => {
      questions.push(question);
      return answer;
    },
    cwd: folder,
  };
  return { io, out, questions };
}

forEachBackend("tools install on a terminal", ({ database }) => {
  test("the owner's answer decides", async () => {
    const { db } = await database();
    for (const answer of ["", "n", "no thanks", "Y es"]) {
      const { io, out, questions } = terminal(answer);
      const target = await readInstallTarget([folder], io);
      if (typeof target === "number") throw new Error("refused");
      expect(await runToolsInstall(db, target, io)).toBe(1);
      expect(questions).toEqual(["Install? [y/N] "]);
      expect(out.at(-1)).toBe("Not installed.");
    }
    expect(await listWasmTools(db)).toEqual([]);
    const { io, out } = terminal(" Yes\n");
    const target = await readInstallTarget([folder], io);
    if (typeof target === "number") throw new Error("refused");
    expect(await runToolsInstall(db, target, io)).toBe(0);
    expect(out.some((line) => line.startsWith("Installed prompted version 1"))).toBe(true);
    expect((await listWasmTools(db)).map((tool) => tool.name)).toEqual(["prompted"]);
  });
});
