/**
 * A trivial turn costs at most four database round trips (store the message; start the turn
 * with its history; record the LLM call; store the reply with the completion): its rows are
 * written together and the hot lookups (owner, conversation) come from memory. Counted on PGlite,
 * where every statement — BEGIN and COMMIT included — passes one lock; the statements are the
 * same on PostgreSQL. `scripts/bench/turn-overhead.ts` prints the count on both backends.
 */
import { afterEach, expect, test } from "bun:test";
import type { PGlite } from "@electric-sql/pglite";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { llmCalls, messages, turns } from "../../src/db/schema/index.ts";
import { createTestDatabase } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** Counts the statements the handle's PGlite runs from now on. */
function countStatements(handle: DatabaseHandle): { count: number } {
  const client = (handle.db as unknown as { session: { client: PGlite } }).session.client;
  const exclusive = client as unknown as { _runExclusiveQuery: <T>(run: () => Promise<T>) => Promise<T> };
  const original = exclusive._runExclusiveQuery.bind(client);
  const counter = { count: 0 };
  exclusive._runExclusiveQuery = (run) => {
    counter.count++;
    return original(run);
  };
  return counter;
}

test("a trivial turn in an existing conversation takes at most four round trips and stores every row", async () => {
  const handle = await createTestDatabase("pglite");
  open.push(handle);
  const harness = await startHostHarness(handle);
  open.push(harness);
  const { channel, llmServer, host } = harness;
  llmServer.enqueue({ text: "Hello!" }, { text: "Hello again!" });
  await channel.deliver("hi");
  await host.queue.drain();

  const counter = countStatements(handle);
  await channel.deliver("ping");
  await host.queue.drain();
  expect(counter.count).toBeLessThanOrEqual(4);

  expect(channel.texts()).toEqual(["Hello!", "Hello again!"]);
  const stored = await handle.db.select().from(messages).orderBy(messages.sequence);
  expect(
    stored.map((row) => [row.direction, row.content, row.handledAt !== null || row.direction === "outbound"]),
  ).toEqual([
    ["inbound", "hi", true],
    ["outbound", "Hello!", true],
    ["inbound", "ping", true],
    ["outbound", "Hello again!", true],
  ]);
  const turnRows = await handle.db.select().from(turns).orderBy(turns.startedAt);
  expect(turnRows.map((row) => [row.status, row.iterations])).toEqual([
    ["completed", 1],
    ["completed", 1],
  ]);
  expect(stored[2]?.turnId).toBe(turnRows[1]?.id as string);
  expect(stored[3]?.turnId).toBe(turnRows[1]?.id as string);
  expect(await handle.db.select().from(llmCalls)).toHaveLength(2);
});
