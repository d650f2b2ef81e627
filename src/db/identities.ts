import { eq } from "drizzle-orm";
import { announceChange } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { ownerIdentities } from "./schema/index.ts";

export type OwnerIdentity = typeof ownerIdentities.$inferSelect;

export async function getOwnerIdentity(db: Database, channel: string): Promise<OwnerIdentity | undefined> {
  const [row] = await withDbErrors(() =>
    db.select().from(ownerIdentities).where(eq(ownerIdentities.channel, channel)),
  );
  return row;
}

/** Records who the owner is on a channel; a configured id always wins over an earlier pairing. */
export async function setOwnerIdentity(
  db: Database,
  identity: { channel: string; externalUserId: string; displayName?: string; source: "config" | "pairing" },
): Promise<void> {
  await withDbErrors(() =>
    db
      .insert(ownerIdentities)
      .values(identity)
      .onConflictDoUpdate({
        target: ownerIdentities.channel,
        set: {
          externalUserId: identity.externalUserId,
          displayName: identity.displayName,
          source: identity.source,
        },
      }),
  );
  await announceChange(db, "owner_identities");
}
