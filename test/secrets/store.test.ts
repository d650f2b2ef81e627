/**
 * The encrypted store against a real database: values round-trip, only ciphertext is stored, and
 * each bad input (no key, wrong key, corrupt or moved ciphertext, odd names) is a clear error
 * naming the source and never a garbage value or a value in a message.
 */
import { expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { secrets } from "../../src/db/schema/index.ts";
import { keyFilePath } from "../../src/secrets/master-key.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { forEachBackend } from "../support/db.ts";

const value = "ghp_StoreTestValue0123456789abcdefABCDEF";
const envKey = "k".repeat(40);

function freshHome(): string {
  return mkdtempSync(join(tmpdir(), "ironclaw-secrets-"));
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

forEachBackend("secret store", ({ database }) => {
  test("stores only ciphertext and reveals the value under the same key", async () => {
    const { db } = await database();
    const store = createSecretStore({ db, home: freshHome(), environmentKey: envKey });
    await store.set("github_token", value);
    expect(await store.reveal("github_token")).toBe(value);
    expect(await store.exists("github_token")).toBe(true);
    expect(await store.exists("other")).toBe(false);
    expect(await store.reveal("other")).toBeUndefined();
    const dump = JSON.stringify(await db.select().from(secrets));
    expect(dump).not.toContain(value);
    expect(dump).not.toContain(Buffer.from(value).toString("base64"));
    const [listed] = await store.list();
    expect(Object.keys(listed ?? {}).sort()).toEqual(["createdAt", "lastUsedAt", "name", "updatedAt"]);
    expect(await store.listSecretValues()).toEqual([value]);
  });

  test("two secrets with the same value get different salts and ciphertexts", async () => {
    const { db } = await database();
    const store = createSecretStore({ db, home: freshHome(), environmentKey: envKey });
    await store.set("first", value);
    await store.set("second", value);
    const rows = await db.select().from(secrets);
    expect(new Set(rows.map((row) => row.salt)).size).toBe(2);
    expect(new Set(rows.map((row) => row.ciphertext)).size).toBe(2);
  });

  test("without a master key nothing can be read, and the error names both sources", async () => {
    const { db } = await database();
    const home = freshHome();
    await createSecretStore({ db, home, environmentKey: envKey }).set("github_token", value);
    const keyless = createSecretStore({ db, home });
    const error = await errorOf(keyless.reveal("github_token"));
    expect(error.message).toContain("IRONCLAW_MASTER_KEY");
    expect(error.message).toContain(keyFilePath(home));
    expect(existsSync(keyFilePath(home))).toBe(false);
    expect(await keyless.exists("github_token")).toBe(true);
    expect(await keyless.status()).toMatchObject({ available: false });
  });

  test("the first set without IRONCLAW_MASTER_KEY generates a 0600 key file that later reads use", async () => {
    const { db } = await database();
    const home = freshHome();
    await createSecretStore({ db, home }).set("github_token", value);
    const path = keyFilePath(home);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).not.toContain(value);
    expect(await createSecretStore({ db, home }).reveal("github_token")).toBe(value);
    expect(await createSecretStore({ db, home }).status()).toMatchObject({ available: true, secrets: 1 });
  });

  test("a key file other users can read is refused with the chmod that fixes it", async () => {
    const { db } = await database();
    const home = freshHome();
    await createSecretStore({ db, home }).set("github_token", value);
    chmodSync(keyFilePath(home), 0o644);
    const error = await errorOf(createSecretStore({ db, home }).reveal("github_token"));
    expect(error.message).toContain(`chmod 600 ${keyFilePath(home)}`);
  });

  test("a wrong key is reported as a wrong key naming its source, never as garbage", async () => {
    const { db } = await database();
    const home = freshHome();
    await createSecretStore({ db, home, environmentKey: envKey }).set("github_token", value);
    const wrong = createSecretStore({ db, home, environmentKey: "w".repeat(40) });
    const error = await errorOf(wrong.reveal("github_token"));
    expect(error.name).toBe("WrongMasterKeyError");
    expect(error.message).toContain("IRONCLAW_MASTER_KEY");
    expect(error.message).toContain("github_token");
    expect(await wrong.listSecretValues()).toEqual([]);
    expect(await wrong.status()).toMatchObject({ available: false });
    // Storing another secret under the wrong key would split the store: refused, nothing written.
    expect((await errorOf(wrong.set("second", "another-value-1234"))).name).toBe("WrongMasterKeyError");
    expect(await wrong.exists("second")).toBe(false);
  });

  test("a too short IRONCLAW_MASTER_KEY is refused before anything is written", async () => {
    const { db } = await database();
    const store = createSecretStore({ db, home: freshHome(), environmentKey: "short" });
    const error = await errorOf(store.set("github_token", value));
    expect(error.message).toContain("IRONCLAW_MASTER_KEY is too short");
    expect(await store.exists("github_token")).toBe(false);
  });

  test("a corrupt ciphertext and a ciphertext moved to another name are corrupt, not garbage", async () => {
    const { db } = await database();
    const store = createSecretStore({ db, home: freshHome(), environmentKey: envKey });
    await store.set("first", value);
    await store.set("second", "second-value-abcdef");
    const [first] = await db.select().from(secrets).where(eq(secrets.name, "first"));
    const flipped = Buffer.from(first?.ciphertext ?? "", "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await db
      .update(secrets)
      .set({ ciphertext: flipped.toString("base64") })
      .where(eq(secrets.name, "first"));
    const corrupt = await errorOf(store.reveal("first"));
    expect(corrupt.name).toBe("CorruptSecretError");
    expect(corrupt.message).toContain('secret "first" is corrupt');
    await db.execute(
      sql`update secrets set salt = s.salt, iv = s.iv, ciphertext = s.ciphertext from secrets s where secrets.name = 'first' and s.name = 'second'`,
    );
    expect((await errorOf(store.reveal("first"))).name).toBe("CorruptSecretError");
    expect(await store.reveal("second")).toBe("second-value-abcdef");
  });

  test("odd names, empty and oversized values are refused and nothing is stored", async () => {
    const { db } = await database();
    const store = createSecretStore({ db, home: freshHome(), environmentKey: envKey });
    for (const name of [
      "",
      "1abc",
      "has space",
      "semi;colon",
      "new\nline",
      "a/b",
      "ü",
      "x".repeat(65),
      "$(id)",
    ]) {
      const error = await errorOf(store.set(name, value));
      expect(error.message).toContain("invalid secret name");
      expect(error.message).not.toContain("\n");
    }
    expect((await errorOf(store.set("empty", ""))).message).toContain("is empty");
    expect((await errorOf(store.set("huge", "x".repeat(65 * 1024)))).message).toContain("at most");
    expect(await store.list()).toEqual([]);
  });

  test("delete removes the secret; deleting an unknown one says so", async () => {
    const { db } = await database();
    const store = createSecretStore({ db, home: freshHome(), environmentKey: envKey });
    await store.set("github_token", value);
    expect(await store.delete("github_token")).toBe(true);
    expect(await store.delete("github_token")).toBe(false);
    expect(await store.reveal("github_token")).toBeUndefined();
  });
});
