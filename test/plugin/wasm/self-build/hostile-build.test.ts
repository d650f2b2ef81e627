/**
 * Hostile sources through the whole self-build path (real builder, real sandbox): importing a
 * file outside the build folder, reading the environment or spawning a process while the build
 * runs the module, a build that never ends, a test that loops, a tool whose tests pass but which
 * loops when installed, and requests the owner must see plainly (a wildcard host, a secret the
 * source never mentions). Each ends with nothing installed, or with exactly what was shown.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { getWasmTool } from "../../../../src/db/wasm-tools.ts";
import { silentLogger } from "../../../../src/log.ts";
import { parseToolManifest } from "../../../../src/plugin/wasm/manifest.ts";
import { createTestSandbox } from "../../../../src/plugin/wasm/self-build/host-setup.ts";
import {
  createSelfBuilder,
  type SelfBuilderOptions,
} from "../../../../src/plugin/wasm/self-build/self-builder.ts";
import { forEachBackend } from "../../../support/db.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import {
  loopsAtRunTime,
  neverEndingBuild,
  readsEnvAtBuild,
  readsOutsideFolder,
  spawnsAtBuild,
} from "./sources.ts";

const sandbox = createTestSandbox(silentLogger);
afterAll(async () => (await sandbox()).close());

function builder(db: SelfBuilderOptions["db"], overrides: Partial<SelfBuilderOptions> = {}) {
  return createSelfBuilder({ db, reservedNames: new Set(["echo"]), sandbox, maxAttempts: 10, ...overrides });
}

const request = (source: string, overrides: Record<string, unknown> = {}) => ({
  name: "probe",
  description: "A probe",
  source,
  tests: [{ params: {}, expect: "none" }],
  ...overrides,
});

forEachBackend("tool_build against hostile sources", ({ database }) => {
  test("an import from outside the build folder is refused before building", async () => {
    const { db } = await database();
    const refusal = await builder(db).prepare(request(readsOutsideFolder), createTestToolContext());
    expect(refusal).toContain('imports are not allowed (found "../../../etc/passwd")');
    expect(await getWasmTool(db, "probe")).toBeUndefined();
  }, 60_000);

  test("the build runs the module with no environment and no way to spawn a process", async () => {
    const { db } = await database();
    const env = await builder(db).prepare(
      request(readsEnvAtBuild, { tests: [{ params: {}, expect: "none" }] }),
      createTestToolContext(),
    );
    expect(env).toBeNull();
    const spawn = await builder(db).prepare(
      request(spawnsAtBuild, { tests: [{ params: {}, expect: "no os" }] }),
      createTestToolContext(),
    );
    expect(spawn).toBeNull();
    expect(existsSync("/tmp/ironclaw-h7-pwned")).toBe(false);
  }, 120_000);

  test("a build that never ends is stopped at the build time limit", async () => {
    const { db } = await database();
    const started = performance.now();
    const refusal = await builder(db, { buildTimeoutMs: 4_000 }).prepare(
      request(neverEndingBuild),
      createTestToolContext(),
    );
    expect(refusal).toContain("The build failed");
    expect(refusal).toMatch(/time|limit|took/i);
    console.log(
      `never-ending build stopped after ${Math.round(performance.now() - started)} ms (limit 4000 ms)`,
    );
  }, 120_000);

  test("a test that loops fails at the deadline it asked for; tests that pass but a looping call is stopped after install", async () => {
    const { db } = await database();
    const limits = { timeout_ms: 1_000 };
    const looping = await builder(db).prepare(
      request(loopsAtRunTime, {
        capabilities: { limits },
        tests: [{ params: { word: "loop" }, expect: "loop" }],
      }),
      createTestToolContext(),
    );
    expect(looping).toContain("FAIL #1");
    expect(looping).toMatch(/deadline|time/i);

    const params = request(loopsAtRunTime, {
      capabilities: { limits },
      tests: [{ params: { word: "hi" }, expect: "hi" }],
    });
    const build = builder(db);
    expect(await build.prepare(params, createTestToolContext())).toBeNull();
    await build.install(params);
    const row = await getWasmTool(db, "probe");
    const runtime = await sandbox();
    const tool = await runtime.load({
      name: "probe",
      component: row?.binary as Uint8Array,
      sha256: row?.sha256 as string,
      manifest: parseToolManifest(row?.manifest, "stored"),
    });
    const stuck = await tool.execute({ word: "loop" }, createTestToolContext());
    expect(stuck.isError).toBe(true);
    expect(stuck.content).toMatch(/deadline|time/i);
    expect((await tool.execute({ word: "again" }, createTestToolContext())).content).toBe("again");
    await runtime.unload("probe");
  }, 180_000);

  test("tests that loop under a huge per-call deadline are stopped by the shared test budget", async () => {
    const { db } = await database();
    const started = performance.now();
    const refusal = await builder(db, { testBudgetMs: 3_000 }).prepare(
      request(loopsAtRunTime, {
        capabilities: { limits: { timeout_ms: 600_000 } },
        tests: [
          { params: { word: "loop" }, expect: "loop" },
          { params: { word: "loop" }, expect: "loop" },
        ],
      }),
      createTestToolContext(),
    );
    expect(refusal).toContain("FAIL #1");
    expect(refusal).toContain(
      'FAIL #2 {"word":"loop"} → not run: the tests took longer than 3000 ms together',
    );
    console.log(
      `looping tests stopped after ${Math.round(performance.now() - started)} ms including the build`,
    );
  }, 180_000);

  test("a wildcard host and a secret the source never mentions are shown plainly", async () => {
    const { db } = await database();
    const params = request(loopsAtRunTime, {
      capabilities: { http: [{ host: "*.example.com", path_prefix: "/" }], secrets: ["aws_secret_key"] },
      tests: [{ params: { word: "hi" }, expect: "hi" }],
    });
    const build = builder(db);
    expect(await build.prepare(params, createTestToolContext())).toBeNull();
    const summary = await build.summary(params);
    expect(summary).toContain("Network: GET to *.example.com (any path).");
    expect(summary).toContain("⚠ Wildcard host *.example.com: reaches every subdomain of example.com.");
    expect(summary).toContain("⚠ Asks about secret aws_secret_key, which the source never mentions.");
    expect(summary).toContain("Secrets: may ask whether aws_secret_key exist");
    expect(summary).toContain("Risk: external");
  }, 120_000);
});
