import { beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "../../../src/db/client.ts";
import { getWasmTool, listWasmTools, listWasmToolVersions } from "../../../src/db/wasm-tools.ts";
import {
  commitInstall,
  installWasmTool,
  removeWasmTool,
  setWasmToolEnabled,
  sha256Hex,
} from "../../../src/plugin/wasm/install.ts";
import { parseToolManifest } from "../../../src/plugin/wasm/manifest.ts";
import { listCredentialMappings } from "../../../src/secrets/mappings.ts";
import { createSecretStore } from "../../../src/secrets/store.ts";
import { forEachBackend } from "../../support/db.ts";
import { buildTestGuest, echoGuestSource } from "./support/build-guest.ts";

const reservedNames = new Set(["echo", "http_request"]);
let component: Uint8Array;
let otherComponent: Uint8Array;

beforeAll(async () => {
  component = await buildTestGuest(echoGuestSource("stars"));
  otherComponent = await buildTestGuest(echoGuestSource("stars-v2"));
}, 120_000);

const starsManifest = {
  kind: "tool",
  name: "stars",
  description: "Looks up a GitHub repository's stars.",
  http: { allowlist: [{ host: "api.github.com", path_prefix: "/repos" }] },
  credentials: [{ secret: "github_token", hosts: ["api.github.com"] }],
};

function storeSecret(db: Database, name: string) {
  const store = createSecretStore({
    db,
    home: mkdtempSync(join(tmpdir(), "ironclaw-install-")),
    environmentKey: "i".repeat(40),
  });
  return store.set(name, "ghp_InstallTestValue0123456789abcdefABCD");
}

forEachBackend("installing a WASM tool", ({ database }) => {
  test("the review shows capabilities, hash, size and imports, and stores nothing", async () => {
    const { db } = await database();
    const review = await installWasmTool({ db, bytes: component, manifest: starsManifest, reservedNames });
    expect(review.sha256).toBe(sha256Hex(component));
    expect(review.size).toBe(component.byteLength);
    expect(review.version).toBe(1);
    expect(review.imports).toEqual(["ironclaw:plugin/host@0.1.0", "ironclaw:plugin/tool-types@0.1.0"]);
    const text = review.lines.join("\n");
    expect(text).toContain(`SHA-256: ${review.sha256}`);
    expect(text).toContain("Network: GET to api.github.com (paths under /repos).");
    expect(text).toContain(
      "Credential: the host sends secret github_token to api.github.com as Authorization: Bearer",
    );
    expect(text).toContain("not stored yet: add it with `ironclaw secrets set github_token`");
    expect(text).toContain("Workspace: no access.");
    expect(text).toContain("Risk: external");
    expect(await listWasmTools(db)).toEqual([]);
  });

  test("commit stores the reviewed bytes, manifest and hash as version 1, then 2", async () => {
    const { db } = await database();
    const first = await commitInstall(
      db,
      await installWasmTool({
        db,
        bytes: component,
        manifest: starsManifest,
        source: "export const x = 1;",
        reservedNames,
      }),
      reservedNames,
    );
    expect(first.row.version).toBe(1);
    const stored = await getWasmTool(db, "stars");
    expect(stored?.binary).toEqual(component);
    expect(stored?.sha256).toBe(sha256Hex(component));
    expect(stored?.status).toBe("enabled");
    expect(stored?.source).toBe("export const x = 1;");
    expect(parseToolManifest(stored?.manifest, "stored").credentials[0]?.secret).toBe("github_token");

    const again = await installWasmTool({
      db,
      bytes: otherComponent,
      manifest: starsManifest,
      reservedNames,
    });
    expect(again.version).toBe(2);
    expect(again.lines[0]).toContain(`replaces version 1, SHA-256 ${sha256Hex(component).slice(0, 12)}`);
    await commitInstall(db, again, reservedNames);
    expect((await getWasmTool(db, "stars"))?.sha256).toBe(sha256Hex(otherComponent));
    expect((await listWasmToolVersions(db, "stars")).map((version) => version.version)).toEqual([2, 1]);
  });

  test("a name of one of the host's own tools is refused, at review and at commit", async () => {
    const { db } = await database();
    await expect(
      installWasmTool({ db, bytes: component, manifest: { name: "http_request" }, reservedNames }),
    ).rejects.toThrow(`"http_request" is the name of one of IronClaw's own tools`);
    const review = await installWasmTool({
      db,
      bytes: component,
      manifest: { name: "echo2" },
      reservedNames,
    });
    await expect(commitInstall(db, review, new Set(["echo2"]))).rejects.toThrow(
      "one of IronClaw's own tools",
    );
    expect(await listWasmTools(db)).toEqual([]);
  });

  test("bytes changed after the review are refused at commit", async () => {
    const { db } = await database();
    const review = await installWasmTool({ db, bytes: component, manifest: starsManifest, reservedNames });
    review.bytes[100] = (review.bytes[100] ?? 0) ^ 0xff;
    await expect(commitInstall(db, review, reservedNames)).rejects.toThrow("changed after it was reviewed");
    expect(await listWasmTools(db)).toEqual([]);
  });

  test("granted credentials are mapped when their secret is stored, once; never created", async () => {
    const { db } = await database();
    const missing = await commitInstall(
      db,
      await installWasmTool({ db, bytes: component, manifest: starsManifest, reservedNames }),
      reservedNames,
    );
    expect(missing.grants.map((grant) => [grant.secretStored, grant.mapped])).toEqual([[false, false]]);
    expect(await listCredentialMappings(db)).toEqual([]);

    await storeSecret(db, "github_token");
    expect(await setWasmToolEnabled(db, "stars", true)).toBe(true);
    await commitInstall(
      db,
      await installWasmTool({ db, bytes: component, manifest: starsManifest, reservedNames }),
      reservedNames,
    );
    const mappings = await listCredentialMappings(db);
    expect(mappings.map(({ secret, hosts, location }) => ({ secret, hosts, location }))).toEqual([
      { secret: "github_token", hosts: ["api.github.com"], location: { type: "bearer" } },
    ]);
  });

  test("a failure while committing leaves nothing half-installed", async () => {
    const { db } = await database();
    await storeSecret(db, "github_token");
    await db.execute(
      sql.raw(
        `create function refuse_mapping() returns trigger language plpgsql as $$ begin raise exception 'mapping refused'; end $$`,
      ),
    );
    await db.execute(
      sql.raw(
        "create trigger refuse_mapping before insert on secret_mappings for each row execute function refuse_mapping()",
      ),
    );
    const review = await installWasmTool({ db, bytes: component, manifest: starsManifest, reservedNames });
    await expect(commitInstall(db, review, reservedNames)).rejects.toThrow();
    expect(await listWasmTools(db)).toEqual([]);
    expect(await listWasmToolVersions(db, "stars")).toEqual([]);
  });

  test("remove deletes the tool and its versions; enable and disable flip the status", async () => {
    const { db } = await database();
    await commitInstall(
      db,
      await installWasmTool({ db, bytes: component, manifest: starsManifest, reservedNames }),
      reservedNames,
    );
    expect(await setWasmToolEnabled(db, "stars", false)).toBe(true);
    expect(await getWasmTool(db, "stars")).toMatchObject({
      status: "disabled",
      disabledReason: "disabled by the owner",
    });
    expect(await setWasmToolEnabled(db, "stars", true)).toBe(true);
    expect(await getWasmTool(db, "stars")).toMatchObject({ status: "enabled", disabledReason: null });
    expect(await removeWasmTool(db, "stars")).toBe(true);
    expect(await removeWasmTool(db, "stars")).toBe(false);
    expect(await listWasmToolVersions(db, "stars")).toEqual([]);
    expect(await setWasmToolEnabled(db, "stars", true)).toBe(false);
  });
});
