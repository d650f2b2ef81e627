/**
 * The self-builder with the real toolchain, the real sandbox runtime and a real database: a
 * broken build and failing tests come back to the model; passing tests are held for the owner
 * with the exact hash; install stores exactly those bytes as a new version; the attempt limit.
 */
import { afterAll, expect, test } from "bun:test";
import { getWasmTool, listWasmToolVersions } from "../../../../src/db/wasm-tools.ts";
import { silentLogger } from "../../../../src/log.ts";
import { sha256Hex } from "../../../../src/plugin/wasm/install.ts";
import { createTestSandbox } from "../../../../src/plugin/wasm/self-build/host-setup.ts";
import {
  createSelfBuilder,
  type SelfBuilderOptions,
} from "../../../../src/plugin/wasm/self-build/self-builder.ts";
import { forEachBackend } from "../../../support/db.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { daysUntil, daysUntilBroken, daysUntilTests } from "./sources.ts";

const sandbox = createTestSandbox(silentLogger);
afterAll(async () => (await sandbox()).close());

function daysParams(overrides: Record<string, unknown> = {}) {
  return {
    name: "days-until",
    description: "Days until a date",
    language: "ts",
    source: daysUntil,
    tests: daysUntilTests,
    ...overrides,
  };
}

export function builderFor(db: SelfBuilderOptions["db"], overrides: Partial<SelfBuilderOptions> = {}) {
  return createSelfBuilder({ db, reservedNames: new Set(["echo", "tool_build"]), sandbox, ...overrides });
}

forEachBackend("self-builder", ({ database }) => {
  test("a syntax error is the model's result; the fixed source is held with its hash, then installed", async () => {
    const { db } = await database();
    const builder = builderFor(db);
    const context = createTestToolContext({ turnId: "turn-a" });

    const broken = await builder.prepare(daysParams({ source: daysUntilBroken }), context);
    expect(broken).toContain("The build failed (attempt 1 of 3 in this turn)");
    expect(await getWasmTool(db, "days-until")).toBeUndefined();

    const params = daysParams();
    expect(await builder.prepare(params, context)).toBeNull();
    const summary = await builder.summary(params);
    const hash = /SHA-256: ([0-9a-f]{64})/.exec(summary)?.[1] as string;
    expect(hash).toHaveLength(64);
    expect(summary).toContain("Tests: 2/2 passed in the sandbox");
    expect(summary).toContain("Network: none.");
    expect(summary).toContain("ironclaw tools inspect days-until --source");
    expect(summary).toContain("Math.round((target - today) / 86400000)");
    // Proposed again (a second prompt for the same call): the same build, not a new hash.
    expect(await builder.prepare(params, context)).toBeNull();
    expect(await builder.summary(params)).toBe(summary);

    const installed = await builder.install(params);
    expect(installed.isError ?? false).toBe(false);
    expect(installed.content).toContain(`version 1 (SHA-256 ${hash})`);
    const row = await getWasmTool(db, "days-until");
    expect(row?.sha256).toBe(hash);
    expect(sha256Hex(row?.binary as Uint8Array)).toBe(hash);
    expect(row?.source).toBe(daysUntil);
    const [version] = await listWasmToolVersions(db, "days-until");
    expect(version?.tests?.[0]).toMatchObject({ params: daysUntilTests[0]?.params });
    // The approved call is used up: installing it again finds nothing to install.
    expect((await builder.install(params)).isError).toBe(true);
  }, 180_000);

  test("failing tests are listed for the model and nothing is held or installed", async () => {
    const { db } = await database();
    const builder = builderFor(db);
    const params = daysParams({
      tests: [
        { params: { date: "2026-12-25", today: "2026-12-01" }, expect: { date: "2026-12-25", days: 25 } },
        { params: { date: "nope" }, expect: { contains: "days" } },
        { params: { date: "2026-12-02", today: "2026-12-01" }, expect: { matches: '"days":1\\b' } },
      ],
    });
    const refusal = await builder.prepare(params, createTestToolContext());
    expect(refusal).toContain("Tests failed (attempt 1 of 3 in this turn); nothing was installed:");
    expect(refusal).toContain(
      'FAIL #1 {"date":"2026-12-25","today":"2026-12-01"} → expected {"date":"2026-12-25","days":25}; got {"date":"2026-12-25","days":24}',
    );
    expect(refusal).toContain("FAIL #2");
    expect(refusal).toContain("RangeError: date must be YYYY-MM-DD");
    expect(refusal).toContain("PASS #3");
    await expect(builder.summary(params)).rejects.toThrow();
    expect((await builder.install(params)).isError).toBe(true);
    expect(await getWasmTool(db, "days-until")).toBeUndefined();
  }, 180_000);

  test("at most N build attempts per turn; a new turn starts again", async () => {
    const { db } = await database();
    const builder = builderFor(db, { maxAttempts: 2 });
    const turn = createTestToolContext({ turnId: "turn-limit" });
    const broken = daysParams({ source: daysUntilBroken });
    expect(await builder.prepare(broken, turn)).toContain("attempt 1 of 2");
    expect(await builder.prepare({ ...broken, description: "again" }, turn)).toContain("attempt 2 of 2");
    const third = await builder.prepare(daysParams(), turn);
    expect(third).toContain("2 build attempts in this turn is the limit");
    expect(await builder.prepare(daysParams(), createTestToolContext({ turnId: "turn-next" }))).toBeNull();
  }, 180_000);

  test("a rebuild is a new version with its own hash, held for a new approval", async () => {
    const { db } = await database();
    const builder = builderFor(db);
    const context = createTestToolContext();
    const first = daysParams();
    expect(await builder.prepare(first, context)).toBeNull();
    await builder.install(first);
    const second = daysParams({ source: `${daysUntil}\n// v2: same behaviour\nexport const version = 2;\n` });
    expect(await builder.prepare(second, context)).toBeNull();
    expect(await builder.summary(second)).toContain("version 2 (replaces version 1");
    expect((await getWasmTool(db, "days-until"))?.version).toBe(1);
    await builder.install(second);
    const versions = await listWasmToolVersions(db, "days-until");
    expect(versions.map((version) => version.version).sort()).toEqual([1, 2]);
    expect(new Set(versions.map((version) => version.sha256)).size).toBe(2);
  }, 240_000);

  test("a held build whose review went stale (the name was installed since) is built again", async () => {
    const { db } = await database();
    const builder = builderFor(db);
    const context = createTestToolContext();
    const waiting = daysParams();
    expect(await builder.prepare(waiting, context)).toBeNull();
    expect(await builder.summary(waiting)).toContain("Tool days-until, version 1\n");
    const other = daysParams({ description: "Days until a date, installed first" });
    expect(await builder.prepare(other, context)).toBeNull();
    await builder.install(other);
    // Proposed again: the prompt must not say "version 1" of a tool that now has one.
    expect(await builder.prepare(waiting, context)).toBeNull();
    expect(await builder.summary(waiting)).toContain("version 2 (replaces version 1");
  }, 240_000);
});
