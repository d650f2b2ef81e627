/**
 * Attacks at install time through the component itself: files that are not components, cut or
 * corrupted ones, components that import WASI (network, files, environment) and components built
 * for another WIT version. Each is refused with a message that names the problem, and nothing is
 * stored.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import type { DatabaseHandle } from "../../../../src/db/client.ts";
import { listWasmTools } from "../../../../src/db/wasm-tools.ts";
import { installWasmTool } from "../../../../src/plugin/wasm/install.ts";
import { createTestDatabase } from "../../../support/db.ts";
import { buildTestGuest, echoGuestSource } from "../support/build-guest.ts";
import {
  buildVariant,
  pluginWit,
  pluginWitAtVersion,
  witImportingWasiHttp,
} from "../support/build-variant.ts";

let handle: DatabaseHandle;
let good: Uint8Array;
const reservedNames = new Set<string>();
const manifest = { kind: "tool", name: "victim" };

beforeAll(async () => {
  handle = await createTestDatabase("pglite");
  good = await buildTestGuest(echoGuestSource("victim"));
}, 120_000);

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await installWasmTool({ db: handle.db, bytes, manifest, reservedNames });
  } catch (error) {
    expect(await listWasmTools(handle.db)).toEqual([]);
    return (error as Error).message;
  }
  throw new Error("the component was accepted");
}

describe("install-time component attacks", () => {
  test("a truncated component is refused as undecodable", async () => {
    for (const length of [9, 1000, Math.floor(good.length / 2), good.length - 1]) {
      expect(await refusal(good.subarray(0, length))).toContain(
        "the component cannot be decoded (corrupt or truncated?)",
      );
    }
    // The header alone is a valid empty component: refused for exporting nothing.
    expect(await refusal(good.subarray(0, 8))).toContain("it does not use the ironclaw:plugin tool world");
  });

  test("a corrupted component is refused", async () => {
    const corrupt = new Uint8Array(good);
    corrupt.fill(0xff, 8, 4096);
    expect(await refusal(corrupt)).toContain("cannot be decoded");
    expect(await refusal(new TextEncoder().encode("<html>not wasm</html>"))).toContain(
      "not a WebAssembly file",
    );
  });

  test("a component importing wasi:http is refused, naming the import", async () => {
    const bytes = await buildVariant(witImportingWasiHttp());
    expect(await refusal(bytes)).toContain(
      "it imports wasi:http/outgoing-handler@0.3.0: network access outside the host is not allowed",
    );
  }, 120_000);

  test("a component built with real WASI (no stubs) is refused for each WASI import", async () => {
    const message = await refusal(await buildVariant({ wit: pluginWit(), stubWasi: false }));
    expect(message).toMatch(/it imports wasi:[a-z-]+\/[a-z-]+@0\.2\.\d+: /);
    expect(message).not.toContain("ironclaw:plugin/host");
  }, 120_000);

  test("components for another WIT version are refused, naming both versions", async () => {
    expect(await refusal(await buildVariant({ wit: pluginWitAtVersion("0.2.0") }))).toContain(
      "it was built for ironclaw:plugin@0.2.0; this host implements ironclaw:plugin@0.1.0",
    );
    expect(await refusal(await buildVariant({ wit: pluginWitAtVersion("1.0.0") }))).toContain(
      "it was built for ironclaw:plugin@1.0.0; this host implements ironclaw:plugin@0.1.0",
    );
  }, 240_000);

  test("an older minor version of the same major is accepted", async () => {
    const review = await installWasmTool({
      db: handle.db,
      bytes: await buildVariant({ wit: pluginWitAtVersion("0.0.9") }),
      manifest,
      reservedNames,
    });
    expect(review.pluginVersion).toBe("0.0.9");
  }, 120_000);
});
