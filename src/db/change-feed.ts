/**
 * Tells in-memory caches that rows they hold changed, in this process or in another one.
 *
 * Hot lookups (who the owner is on a channel, a chat's active conversation, the settings a tool
 * call consults) are cached so a turn does not pay a round trip for each; but another process
 * may change them — on PostgreSQL,
 * `ironclaw pairing approve` runs in the CLI while the assistant runs. Why LISTEN/NOTIFY and not
 * the alternatives: a TTL lets a replaced owner pass, and makes a freshly paired one wait, until
 * it runs out; a version row read per lookup costs the round trip the cache saves (and a
 * migration). NOTIFY is transactional (sent on commit, never for a rolled-back write), costs the
 * rare writer one statement and the readers nothing. Notices sent while the listening connection
 * was down are lost, so every (re)connect clears every cache, and a cache that is not listening
 * yet reads through. A write that bypasses the repository functions (raw SQL from psql) sends no
 * notice; a restart clears the caches.
 *
 * In this process a change is announced at once, before its transaction commits; the notice
 * that arrives after the commit clears again whatever was read in between.
 */
import { sql } from "drizzle-orm";
import type { Database, DatabaseHandle } from "./client.ts";
import { withDbErrors } from "./errors.ts";

export type ChangeTopic =
  | "owner_identities"
  | "conversations"
  | "settings"
  | "wasm_tools"
  | "memory_documents"
  | "installed_skills";

const changeChannel = "ironclaw_changes";
const topics: readonly ChangeTopic[] = [
  "owner_identities",
  "conversations",
  "settings",
  "wasm_tools",
  "memory_documents",
  "installed_skills",
];
/** Every feed of this process: a local change reaches them all (clearing too much is safe). */
const localFeeds = new Set<(topic: ChangeTopic) => void>();

export interface ChangeFeed {
  /** True while notices from other processes arrive; caches read through otherwise. */
  readonly live: boolean;
  onChange(topic: ChangeTopic, listener: () => void): void;
  close(): Promise<void>;
}

/** Records that rows under `topic` changed: this process at once, the others on commit. */
export async function announceChange(db: Database, topic: ChangeTopic): Promise<void> {
  for (const feed of localFeeds) feed(topic);
  await withDbErrors(() => db.execute(sql`select pg_notify(${changeChannel}, ${topic})`));
}

/**
 * Clears this process's caches again once the transaction that announced a change committed:
 * a lookup between the announcement and the commit may have cached the old rows.
 */
export function announceCommitted(topic: ChangeTopic): void {
  for (const feed of localFeeds) feed(topic);
}

/**
 * Listens for changes on `handle`; a handle that cannot listen gives a feed that is never live.
 * Resolves at once, without waiting for the LISTEN (on PostgreSQL a connection of its own, opened
 * during start-up otherwise): until it is established the feed is not live, so caches read
 * through, and establishing it clears them, which covers anything cached meanwhile. A LISTEN
 * that cannot be set up leaves the feed not live: slower, never stale.
 */
export async function createChangeFeed(handle: DatabaseHandle): Promise<ChangeFeed> {
  const listeners = new Map<ChangeTopic, Set<() => void>>();
  const dispatch = (topic: ChangeTopic) => {
    for (const listener of listeners.get(topic) ?? []) listener();
  };
  const clearAll = () => {
    for (const topic of topics) dispatch(topic);
  };
  let live = false;
  localFeeds.add(dispatch);
  let closed = false;
  const listening = handle.listen
    ? handle
        .listen(
          changeChannel,
          (payload) => {
            if ((topics as readonly string[]).includes(payload)) dispatch(payload as ChangeTopic);
            else clearAll();
          },
          () => {
            if (closed) return;
            clearAll();
            live = true;
          },
        )
        .catch(() => undefined) // no LISTEN: the feed stays not live (see above)
    : Promise.resolve(undefined);
  return {
    get live() {
      return live;
    },
    onChange(topic, listener) {
      const set = listeners.get(topic) ?? new Set();
      set.add(listener);
      listeners.set(topic, set);
    },
    async close() {
      closed = true;
      live = false;
      localFeeds.delete(dispatch);
      const stop = await listening;
      await stop?.().catch(() => {});
    },
  };
}
