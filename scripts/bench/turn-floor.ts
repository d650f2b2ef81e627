/**
 * The database's share of a turn with no host code at all: the four statements a trivial turn
 * sends (scripts/bench/turn-overhead.ts counts them; their SQL is the host's, written out here),
 * issued straight to the driver — on embedded PGlite with the assistant's own start parameters,
 * or PostgreSQL with BENCH_DATABASE_URL / TEST_DATABASE_URL. Prints p50/p99 per turn for one
 * conversation and for 50 at once, plus single-statement floors (`select 1`, an update by
 * primary key). What the host adds on top is the difference to turn-overhead.ts.
 *
 *   bun scripts/bench/turn-floor.ts
 *   bash scripts/with-postgres.sh bun scripts/bench/turn-floor.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, wrapPglite, wrapPostgres } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { pgliteStartParams } from "../../src/db/pglite.ts";

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const folder = mkdtempSync(join(tmpdir(), "ironclaw-floor-"));
const handle: DatabaseHandle = url
  ? await wrapPostgres(url, "bench")
  : await wrapPglite(await PGlite.create(folder, { startParams: await pgliteStartParams() }), folder);
await migrateDatabase(handle);
const run = (text: string, values: unknown[] = []) => {
  const chunks = text.split(/\$\d+/);
  return handle.query<{ id: string }>(
    sql.join(
      chunks.map((chunk, index) =>
        index < values.length ? sql`${sql.raw(chunk)}${values[index]}` : sql.raw(chunk),
      ),
      sql``,
    ),
  );
};
console.log(`backend: ${handle.backend}`);

const channelName = `floor-${crypto.randomUUID().slice(0, 8)}`; // a database shared with other benches
const inbound = `with touched as (update conversations set last_message_at = now() where id = $1)
  insert into messages (conversation_id, direction, channel, chat_id, platform_message_id, role, content)
  values ($2, 'inbound', '${channelName}', $3, $4, 'user', 'hi') on conflict do nothing returning *`;
const startTurn = `with started as (insert into turns (id, conversation_id, trigger_message_id) values ($1, $2, $3)),
  marked as (update messages set turn_id = $4, handled_at = now() where id = $5)
  select * from messages where conversation_id = $6 and refusal is null
  and ((direction = 'outbound' and role = 'assistant') or (direction = 'inbound' and (turn_id is not null or handled_at is null)))
  order by sequence desc limit 400`;
const llmCall = `with recorded as (insert into llm_calls (turn_id, provider, model, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens, latency_ms, cached) values ($1, 'bench', 'bench', 1, 1, 0, 0, 0, 0))
  update turns set iterations = iterations + 1, input_tokens = input_tokens + 1, output_tokens = output_tokens + 1 where id = $2`;
const finish = `with touched as (update conversations set last_message_at = now() where id = $1),
  outbound as (insert into messages (conversation_id, direction, channel, chat_id, platform_message_id, role, content, turn_id)
  values ($2, 'outbound', '${channelName}', $3, $4, 'assistant', 'Hello!', $5) on conflict do nothing)
  update turns set status = 'completed', finished_at = now() where id = $6 and status = 'running' returning id`;

const conversations = new Map<string, string>();
async function conversation(chat: string): Promise<string> {
  let id = conversations.get(chat);
  if (!id) {
    [{ id } = { id: "" }] = await run(
      `insert into conversations (channel, chat_id) values ('${channelName}', $1) returning id`,
      [chat],
    );
    conversations.set(chat, id);
  }
  return id;
}

let counter = 0;
async function oneTurn(chat: string): Promise<number> {
  const started = performance.now();
  const id = await conversation(chat);
  const [message] = await run(inbound, [id, id, chat, `in-${counter++}`]);
  const turn = crypto.randomUUID();
  await run(startTurn, [turn, id, message?.id, turn, message?.id, id]);
  await run(llmCall, [turn, turn]);
  await run(finish, [id, id, chat, `out-${counter++}`, turn, turn]);
  return performance.now() - started;
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  return `p50 ${at(0.5).toFixed(2)} ms  p99 ${at(0.99).toFixed(2)} ms  (n=${sorted.length})`;
}

async function statementFloor(text: string, values: unknown[] = []): Promise<string> {
  const samples: number[] = [];
  for (let index = 0; index < 300; index++) {
    const started = performance.now();
    await run(text, values);
    samples.push(performance.now() - started);
  }
  return percentiles(samples.slice(50));
}

for (let index = 0; index < 50; index++) await oneTurn("warm-up");
console.log(`select 1:                    ${await statementFloor("select 1")}`);
const probe = await conversation("probe");
console.log(
  `update by primary key:       ${await statementFloor("update conversations set last_message_at = now() where id = $1", [probe])}`,
);
const solo: number[] = [];
for (let index = 0; index < 200; index++) solo.push(await oneTurn(`solo-${index % 20}`));
console.log(`4 statements, 1 conversation: ${percentiles(solo)}`);
const many: number[] = [];
for (let round = 0; round < 6; round++) {
  many.push(
    ...(await Promise.all(Array.from({ length: 50 }, (_, index) => oneTurn(`many-${round}-${index}`)))),
  );
}
console.log(`4 statements, 50 at once:     ${percentiles(many)}`);
await handle.close();
