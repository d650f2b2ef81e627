import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { getOrCreateConversation, recordMessage, startNewConversation } from "../../src/db/conversations.ts";
import { withDbErrors } from "../../src/db/errors.ts";
import { latestKnownMigration, migrateDatabase } from "../../src/db/migrate.ts";
import { conversations, settings } from "../../src/db/schema/index.ts";
import { getSetting, putSetting, readSettings } from "../../src/db/settings.ts";
import { AppError, ConflictError } from "../../src/errors.ts";
import { forEachBackend } from "../support/db.ts";

forEachBackend("database", ({ database }) => {
  test("migrations are applied and re-applying them changes nothing", async () => {
    const handle = await database();
    const tables = await handle.query<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        "conversations",
        "messages",
        "owner_identities",
        "settings",
        "turns",
        "llm_calls",
        "tool_calls",
      ]),
    );
    expect(await migrateDatabase(handle)).toEqual({ applied: false });
    const [count] = await handle.query<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(count?.n).toBeGreaterThan(0);
    expect(await migrateDatabase(handle)).toEqual({ applied: false });
    const [again] = await handle.query<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(again?.n).toBe(count?.n as number);
  });

  test("a unique violation becomes a typed ConflictError naming the constraint", async () => {
    const { db } = await database();
    await db.insert(settings).values({ key: "LLM_MODEL", value: "a" });
    const attempt = withDbErrors(() => db.insert(settings).values({ key: "LLM_MODEL", value: "b" }));
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    const error = (await attempt.catch((caught: unknown) => caught)) as ConflictError;
    expect(error.code).toBe("conflict");
    expect(error.constraint).toBe("settings_pkey");
  });

  test("other database errors become AppErrors without leaking SQLSTATEs", async () => {
    const handle = await database();
    const error = await withDbErrors(() => handle.query(sql`select * from no_such_table`)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("database_error");
    expect((error as AppError).message).toContain("no_such_table");
  });

  test("settings round-trip and upsert", async () => {
    const { db } = await database();
    await putSetting(db, "LLM_MODEL", "first");
    await putSetting(db, "LLM_MODEL", "second");
    expect(await getSetting(db, "LLM_MODEL")).toBe("second");
    expect(await readSettings(db)).toEqual({ LLM_MODEL: "second" });
  });

  test("an inbound platform message is stored once; a redelivery is reported as duplicate", async () => {
    const { db } = await database();
    const conversation = await getOrCreateConversation(db, "telegram", "42");
    const message = {
      conversationId: conversation.id,
      channel: "telegram",
      chatId: "42",
      direction: "inbound" as const,
      role: "user" as const,
      content: "hello",
      platformMessageId: "1001",
    };
    const first = await recordMessage(db, message);
    const second = await recordMessage(db, { ...message, content: "hello again" });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.message.id).toBe(first.message.id);
    expect(second.message.content).toBe("hello");
    // The same platform id in another chat is a different message.
    const other = await getOrCreateConversation(db, "telegram", "43");
    const third = await recordMessage(db, { ...message, conversationId: other.id, chatId: "43" });
    expect(third.duplicate).toBe(false);
  });

  test("one active conversation per chat, also under concurrent first contact; /new opens another", async () => {
    const { db } = await database();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => getOrCreateConversation(db, "discord", "dm-1")),
    );
    expect(new Set(results.map((row) => row.id)).size).toBe(1);
    const fresh = await startNewConversation(db, "discord", "dm-1");
    expect(fresh.id).not.toBe(results[0]?.id);
    expect((await getOrCreateConversation(db, "discord", "dm-1")).id).toBe(fresh.id);
    const all = await db.select().from(conversations);
    expect(all.filter((row) => row.active)).toHaveLength(1);
  });

  test("a database written by a newer schema is refused and left untouched", async () => {
    const handle = await database();
    const future = latestKnownMigration() + 86_400_000;
    await handle.query(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', ${future})`,
    );
    await handle.db.insert(settings).values({ key: "MARKER", value: "kept" });
    const error = await migrateDatabase(handle).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("database_schema_too_new");
    expect((error as AppError).message).toContain("newer IronClaw");
    expect(await getSetting(handle.db, "MARKER")).toBe("kept");
  });
});
