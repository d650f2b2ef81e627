/**
 * Attack: swap the prepared code on disk after install (the transpile cache is outside the
 * database). Every cache entry carries an HMAC'd index of its files' hashes; a load that finds a
 * modified file, a forged index or an index made with another key discards the entry, prepares
 * again from the artifact's bytes and logs a warning, so the swapped code never runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import type { WasmToolArtifact } from "../../../../src/plugin/wasm/contract.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { probeGuestSource } from "../support/probe-guest.ts";
import { createTestRuntime, testArtifact } from "../support/runtime.ts";

const cacheDir = mkdtempSync(join(tmpdir(), "ironclaw-wasm-swap-"));
const cacheKey = new Uint8Array(randomBytes(32));
const marker = join(cacheDir, "pwned");
let artifact: WasmToolArtifact;
let entry: string;

beforeAll(async () => {
  artifact = await testArtifact("swap_probe", probeGuestSource, { limits: { timeoutMs: 400 } });
  entry = join(cacheDir, artifact.sha256);
  const first = createTestRuntime({ cacheDir, cacheKey });
  await first.runtime.load(artifact);
  await first.close();
}, 120_000);
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function largestCoreModule(): string {
  const names = readdirSync(entry).filter((name) => name.endsWith(".wasm"));
  return names.sort((a, b) => statSync(join(entry, b)).size - statSync(join(entry, a)).size)[0] as string;
}

async function loadAgain(key = cacheKey) {
  const harness = createTestRuntime({ cacheDir, cacheKey: key });
  const tool = await harness.runtime.load(artifact);
  return { harness, tool };
}

describe("escape: cache swapped on disk", () => {
  test("an intact entry is reused without a warning", async () => {
    const before = statSync(join(entry, "index.json")).mtimeMs;
    const { harness } = await loadAgain();
    expect(harness.lines.filter((line) => line.level === "warn")).toEqual([]);
    expect(statSync(join(entry, "index.json")).mtimeMs).toBe(before);
    await harness.close();
  }, 60_000);

  test("a swapped glue module is noticed and never runs", async () => {
    const evil = `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "ran");
export function instantiate() { throw new Error("swapped"); }`;
    writeFileSync(join(entry, "tool.js"), evil);
    const { harness, tool } = await loadAgain();
    expect(existsSync(marker)).toBe(false);
    const warning = harness.lines.find(
      (line) => line.message === "wasm cache entry rejected: preparing again",
    );
    expect(warning?.fields.reason).toBe("tool.js was modified");
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
    expect(readFileSync(join(entry, "tool.js"), "utf8")).not.toContain("swapped");
    await harness.close();
  }, 60_000);

  test("an unmetered core module swapped in is noticed: loops still stop at the deadline", async () => {
    const name = largestCoreModule();
    const original = await transpile(artifact.component, {
      name: "tool",
      instantiation: "sync",
      quiet: true,
    });
    writeFileSync(join(entry, name), original.files[name] as Uint8Array);
    const { harness, tool } = await loadAgain();
    const warning = harness.lines.find(
      (line) => line.message === "wasm cache entry rejected: preparing again",
    );
    expect(warning?.fields.reason).toBe(`${name} was modified`);
    const result = await tool.execute({ op: "loop" }, createTestToolContext());
    expect(result).toEqual({ content: "the tool ran out of time after 400 ms", isError: true });
    await harness.close();
  }, 60_000);

  test("an index rewritten to match swapped files, or made with another key, is refused", async () => {
    const name = largestCoreModule();
    const index = JSON.parse(readFileSync(join(entry, "index.json"), "utf8"));
    writeFileSync(join(entry, name), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    index.files[name] = new Bun.CryptoHasher("sha256")
      .update(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
      .digest("hex");
    writeFileSync(join(entry, "index.json"), JSON.stringify(index));
    const forged = await loadAgain();
    expect(forged.harness.lines.find((line) => line.level === "warn")?.fields.reason).toBe(
      "the index's HMAC does not match",
    );
    expect((await forged.tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
    await forged.harness.close();

    const otherKey = await loadAgain(new Uint8Array(randomBytes(32)));
    expect(otherKey.harness.lines.find((line) => line.level === "warn")?.fields.reason).toBe(
      "the index's HMAC does not match",
    );
    await otherKey.harness.close();
  }, 60_000);
});
