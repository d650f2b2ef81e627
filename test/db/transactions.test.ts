/**
 * Changes that write twice are all-or-nothing. The database itself refuses the second write (a
 * trigger that raises, on a real PGlite or PostgreSQL), and the first write must not remain.
 */
import { expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { approvePairingCode, requestPairingCode } from "../../src/core/pairing.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { getOrCreateConversation, recordMessage } from "../../src/db/conversations.ts";
import { getOwnerIdentity } from "../../src/db/identities.ts";
import { messages, pairingCodes, turns } from "../../src/db/schema/index.ts";
import { createTurn } from "../../src/db/turns.ts";
import { forEachBackend } from "../support/db.ts";

/** Makes every `operation` on `table` fail inside the database until `restore` is called. */
async function refuseWrites(handle: DatabaseHandle, table: string, operation: "INSERT" | "UPDATE") {
  await handle.query(
    sql.raw(`CREATE FUNCTION refuse_write() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'write refused by the test'; END; $$ LANGUAGE plpgsql`),
  );
  await handle.query(
    sql.raw(`CREATE TRIGGER refuse_write BEFORE ${operation} ON ${table}
      FOR EACH ROW EXECUTE FUNCTION refuse_write()`),
  );
  return async () => {
    await handle.query(sql.raw(`DROP TRIGGER refuse_write ON ${table}`));
    await handle.query(sql.raw("DROP FUNCTION refuse_write()"));
  };
}

forEachBackend("changes that write twice", ({ database }) => {
  test("a turn is not created when its trigger message cannot be marked handled", async () => {
    const handle = await database();
    const conversation = await getOrCreateConversation(handle.db, "memory", "chat-1");
    const { message } = await recordMessage(handle.db, {
      conversationId: conversation.id,
      channel: "memory",
      chatId: "chat-1",
      direction: "inbound",
      role: "user",
      content: "hello",
      platformMessageId: "1",
    });
    const restore = await refuseWrites(handle, "messages", "UPDATE");
    await expect(
      createTurn(handle.db, { conversationId: conversation.id, triggerMessageId: message.id }),
    ).rejects.toThrow("write refused by the test");
    await restore();
    expect(await handle.db.select().from(turns)).toEqual([]);
    const [stored] = await handle.db.select().from(messages).where(eq(messages.id, message.id));
    expect(stored?.handledAt).toBeNull();
  });

  test("a pairing code is not used up when its sender cannot be recorded as the owner", async () => {
    const handle = await database();
    const code = await requestPairingCode(handle.db, {
      channel: "memory",
      externalUserId: "alice",
      chatId: "alice-dm",
    });
    const restore = await refuseWrites(handle, "owner_identities", "INSERT");
    await expect(approvePairingCode(handle.db, "memory", code as string)).rejects.toThrow(
      "write refused by the test",
    );
    await restore();
    const [row] = await handle.db.select().from(pairingCodes);
    expect(row?.status).toBe("pending");
    expect(await getOwnerIdentity(handle.db, "memory")).toBeUndefined();
    // Still usable once the database accepts the write.
    expect(await approvePairingCode(handle.db, "memory", code as string)).toMatchObject({
      ok: true,
      externalUserId: "alice",
    });
  });
});
