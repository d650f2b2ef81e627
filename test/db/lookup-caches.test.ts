/**
 * The in-memory caches of hot lookups (owner identity per channel, a chat's active conversation)
 * never serve a stale entry: not after a change in this process, not after another process wrote
 * (a second connection pool on PostgreSQL, as the CLI has), and not while they cannot listen.
 */
import { afterEach, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { createOwnerCheck, createOwnerIdentityCache } from "../../src/core/owner.ts";
import { approvePairingCode, requestPairingCode } from "../../src/core/pairing.ts";
import { type ChangeFeed, createChangeFeed } from "../../src/db/change-feed.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { createActiveConversationCache } from "../../src/db/conversation-cache.ts";
import { saveConversationSummary, startNewConversation } from "../../src/db/conversations.ts";
import { setOwnerIdentity } from "../../src/db/identities.ts";
import { conversations, ownerIdentities, settings } from "../../src/db/schema/index.ts";
import { createSettingsCache, putSetting } from "../../src/db/settings.ts";
import { forEachBackend, openSecondConnection } from "../support/db.ts";

const feeds: ChangeFeed[] = [];
const others: DatabaseHandle[] = [];
afterEach(async () => {
  for (const feed of feeds.splice(0)) await feed.close();
  for (const other of others.splice(0)) await other.close();
});

/** A plugin channel `memory` with no configured owner: its owner is whoever paired. */
const directory = { channel: () => ({ kind: "plugin" as const, ownerId: undefined }) };

async function feedOf(handle: DatabaseHandle): Promise<ChangeFeed> {
  const feed = await createChangeFeed(handle);
  feeds.push(feed);
  return feed;
}

/** Our own writes' notices arrive a moment after their commit and clear the caches once more. */
const ownNoticesArrived = () => Bun.sleep(300);

/** Polls `check` until it holds: a notice from another process arrives a moment after its commit. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return true;
    await Bun.sleep(25);
  }
  return false;
}

forEachBackend("lookup caches", ({ database }) => {
  test("the owner cache: a paired owner passes at once, a replaced one stops passing at once", async () => {
    const handle = await database();
    const isOwner = createOwnerCheck(
      directory,
      handle.db,
      createOwnerIdentityCache(handle.db, await feedOf(handle)),
    );
    expect(await isOwner("memory", "alice")).toBe(false); // cached: nobody paired
    const code = await requestPairingCode(handle.db, {
      channel: "memory",
      externalUserId: "alice",
      chatId: "a",
    });
    expect((await approvePairingCode(handle.db, "memory", code as string)).ok).toBe(true);
    expect(await isOwner("memory", "alice")).toBe(true);
    await setOwnerIdentity(handle.db, { channel: "memory", externalUserId: "bob", source: "config" });
    expect(await isOwner("memory", "alice")).toBe(false);
    expect(await isOwner("memory", "bob")).toBe(true);
  });

  test("the owner cache sees another process's pairing and replacement", async () => {
    const handle = await database();
    const other = await openSecondConnection(handle);
    if (!other) return; // PGlite: one process per data folder (folder lock), nobody else writes
    others.push(other);
    const isOwner = createOwnerCheck(
      directory,
      handle.db,
      createOwnerIdentityCache(handle.db, await feedOf(handle)),
    );
    expect(await isOwner("memory", "alice")).toBe(false);
    const code = await requestPairingCode(other.db, {
      channel: "memory",
      externalUserId: "alice",
      chatId: "a",
    });
    expect((await approvePairingCode(other.db, "memory", code as string)).ok).toBe(true);
    expect(await eventually(() => isOwner("memory", "alice"))).toBe(true);
    await setOwnerIdentity(other.db, { channel: "memory", externalUserId: "bob", source: "config" });
    expect(await eventually(async () => !(await isOwner("memory", "alice")))).toBe(true);
    expect(await isOwner("memory", "bob")).toBe(true);
  });

  test("without a live feed the owner lookup reads through, so even a raw write is seen", async () => {
    const handle = await database();
    const deaf = await feedOf({ ...handle, listen: undefined });
    const isOwner = createOwnerCheck(directory, handle.db, createOwnerIdentityCache(handle.db, deaf));
    await setOwnerIdentity(handle.db, { channel: "memory", externalUserId: "alice", source: "config" });
    expect(await isOwner("memory", "alice")).toBe(true);
    await handle.db
      .update(ownerIdentities)
      .set({ externalUserId: "bob" })
      .where(eq(ownerIdentities.channel, "memory"));
    expect(await isOwner("memory", "alice")).toBe(false);
  });

  test("the conversation cache follows /new and a stored summary", async () => {
    const handle = await database();
    const activeConversation = createActiveConversationCache(handle.db, await feedOf(handle));
    const first = await activeConversation("memory", "chat-1");
    expect((await activeConversation("memory", "chat-1")).id).toBe(first.id);
    await saveConversationSummary(handle.db, first.id, "they like tea", 3);
    expect(await activeConversation("memory", "chat-1")).toMatchObject({
      id: first.id,
      summary: "they like tea",
    });
    const fresh = await startNewConversation(handle.db, "memory", "chat-1");
    expect((await activeConversation("memory", "chat-1")).id).toBe(fresh.id);
    expect((await activeConversation("memory", "chat-2")).id).not.toBe(fresh.id);
  });

  test("the conversation cache sees another process start a new conversation", async () => {
    const handle = await database();
    const other = await openSecondConnection(handle);
    if (!other) return; // PGlite: single process
    others.push(other);
    const activeConversation = createActiveConversationCache(handle.db, await feedOf(handle));
    const first = await activeConversation("memory", "chat-1");
    const fresh = await startNewConversation(other.db, "memory", "chat-1");
    expect(fresh.id).not.toBe(first.id);
    expect(await eventually(async () => (await activeConversation("memory", "chat-1")).id === fresh.id)).toBe(
      true,
    );
    const active = await handle.db.select().from(conversations).where(eq(conversations.active, true));
    expect(active.map((row) => row.id)).toEqual([fresh.id]);
  });

  test("the settings cache follows every write, this process's and another's", async () => {
    const handle = await database();
    const setting = createSettingsCache(handle.db, await feedOf(handle));
    expect(await setting("tool_policy.deploy")).toBeUndefined();
    await putSetting(handle.db, "tool_policy.deploy", "always-allow");
    expect(await setting("tool_policy.deploy")).toBe("always-allow");
    await ownNoticesArrived();
    expect(await setting("tool_policy.deploy")).toBe("always-allow");
    await handle.db.update(settings).set({ value: "ask" }).where(eq(settings.key, "tool_policy.deploy"));
    expect(await setting("tool_policy.deploy")).toBe("always-allow"); // served from memory
    await putSetting(handle.db, "tool_policy.deploy", "disabled");
    expect(await setting("tool_policy.deploy")).toBe("disabled");
    const other = await openSecondConnection(handle);
    if (!other) return; // PGlite: single process
    others.push(other);
    await putSetting(other.db, "tool_policy.deploy", "ask");
    expect(await eventually(async () => (await setting("tool_policy.deploy")) === "ask")).toBe(true);
  });

  test("a notice the feed does not know clears every cache", async () => {
    const handle = await database();
    const isOwner = createOwnerCheck(
      directory,
      handle.db,
      createOwnerIdentityCache(handle.db, await feedOf(handle)),
    );
    await setOwnerIdentity(handle.db, { channel: "memory", externalUserId: "alice", source: "config" });
    await ownNoticesArrived();
    expect(await isOwner("memory", "alice")).toBe(true);
    // A raw write sends no notice of its own; a newer version's unknown topic still clears all.
    await handle.db
      .update(ownerIdentities)
      .set({ externalUserId: "bob" })
      .where(eq(ownerIdentities.channel, "memory"));
    expect(await isOwner("memory", "alice")).toBe(true); // served from memory: the cache is real
    await handle.query(sql`select pg_notify('ironclaw_changes', 'something_new')`);
    expect(await eventually(async () => !(await isOwner("memory", "alice")))).toBe(true);
  });
});
