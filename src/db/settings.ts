import { eq } from "drizzle-orm";
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
}
