/**
 * The settings table (configuration below the environment and ironclaw.toml, tool policies,
 * generated keys). `createSettingsCache` keeps the values a tool call reads in memory; every
 * `putSetting` announces the change (change-feed.ts), also to other processes.
 */
import { eq } from "drizzle-orm";
import { createCachedLookup } from "./cached-lookup.ts";
import { announceChange, type ChangeFeed } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { settings } from "./schema/index.ts";

export async function readSettings(db: Database): Promise<Record<string, string>> {
  const rows = await withDbErrors(() => db.select().from(settings));
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

export async function getSetting(db: Database, key: string): Promise<string | undefined> {
  const [row] = await withDbErrors(() => db.select().from(settings).where(eq(settings.key, key)));
  return row?.value;
}

export async function putSetting(db: Database, key: string, value: string): Promise<void> {
  await withDbErrors(() =>
    db
      .insert(settings)
      .values({ key, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } }),
  );
  await announceChange(db, "settings");
}

/** Reads one setting; undefined when it is not set. */
export type SettingLookup = (key: string) => Promise<string | undefined>;

/** Settings cached while `feed` is live (read through otherwise). */
export function createSettingsCache(db: Database, feed: ChangeFeed | undefined): SettingLookup {
  const lookup = createCachedLookup(feed, "settings", (key) => getSetting(db, key));
  return function cachedSetting(key) {
    return lookup.get(key);
  };
}
