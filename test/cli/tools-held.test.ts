/**
 * `ironclaw tools inspect NAME [--source] [--pending]` for a build awaiting the owner's approval:
 * the prompt points the owner here before anything is installed. A held build's full source and
 * review are printed with a plain "awaiting approval" line; once installed, the installed tool is
 * shown; a rebuild of an installed tool is read with `--pending`. Real toolchain, real database.
 */
import { afterAll, expect, test } from "bun:test";
import { runWithDatabase } from "../../src/cli/tools.ts";
import type { Database } from "../../src/db/client.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestSandbox } from "../../src/plugin/wasm/self-build/host-setup.ts";
import { createSelfBuilder } from "../../src/plugin/wasm/self-build/self-builder.ts";
import { daysUntil, daysUntilTests } from "../plugin/wasm/self-build/sources.ts";
import { forEachBackend } from "../support/db.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const sandbox = createTestSandbox(silentLogger);
afterAll(async () => (await sandbox()).close());

async function inspect(db: Database, args: string[]) {
  const out: string[] = [];
  const errors: string[] = [];
  const code = await runWithDatabase("inspect", args, db, {
    print: (line) => out.push(line),
    printError: (line) => errors.push(line),
    isTerminal: false,
    ask: async () => "",
    cwd: process.cwd(),
  });
  return { code, out: out.join("\n"), errors: errors.join("\n") };
}

const params = (source: string) => ({
  name: "days-until",
  description: "Days until a date",
  source,
  tests: daysUntilTests,
});

forEachBackend("tools inspect for a held build", ({ database }) => {
  test("held: source and review with 'awaiting approval'; installed: the tool; a rebuild: --pending", async () => {
    const { db } = await database();
    const builder = createSelfBuilder({ db, reservedNames: new Set(["tool_build"]), sandbox });
    const first = params(daysUntil);
    expect(await builder.prepare(first, createTestToolContext())).toBeNull();
    const hash = /SHA-256: ([0-9a-f]{64})/.exec(await builder.summary(first))?.[1] as string;

    const source = await inspect(db, ["days-until", "--source"]);
    expect(source.code).toBe(0);
    expect(source.out).toBe(daysUntil);
    expect(source.errors).toContain(`awaits the owner's approval (SHA-256 ${hash}); it is not installed`);
    const review = await inspect(db, ["days-until"]);
    expect(review.out).toContain("awaits the owner's approval");
    expect(review.out).toContain(`SHA-256: ${hash}`);
    expect(review.out).toContain("Network: none.");

    await builder.install(first);
    const installed = await inspect(db, ["days-until", "--source"]);
    expect(installed.out).toBe(daysUntil);
    expect(installed.errors).toBe("");
    expect((await inspect(db, ["days-until", "--pending"])).code).toBe(1);

    const rebuilt = `${daysUntil}\n// v2\nexport const version = 2;\n`;
    expect(await builder.prepare(params(rebuilt), createTestToolContext())).toBeNull();
    expect(await builder.summary(params(rebuilt))).toContain(
      "ironclaw tools inspect days-until --source --pending",
    );
    expect((await inspect(db, ["days-until", "--source"])).out).toBe(daysUntil);
    const pending = await inspect(db, ["days-until", "--source", "--pending"]);
    expect(pending.out).toBe(rebuilt);
    expect(pending.errors).toContain("awaits the owner's approval");
  }, 240_000);

  test("a name neither installed nor held is one clear error", async () => {
    const { db } = await database();
    const missing = await inspect(db, ["nothing-here", "--source"]);
    expect(missing.code).toBe(1);
    expect(missing.errors).toContain('No installed tool named "nothing-here"');
  });
});
