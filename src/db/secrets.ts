/**
 * The secret store's rows: ciphertexts (never a plaintext — src/secrets/ seals and opens them),
 * credential mappings, the usage log of injections, and one-time requests. All SQL for them lives
 * here; a mapping insert checks its secret exists inside the same statement's transaction, so a
 * mapping can never point at a secret that is not there.
 */
import { and, asc, desc, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { secretMappings, secretRequests, secrets, secretUsage } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export type SecretRow = typeof secrets.$inferSelect;
export type SecretMappingRow = typeof secretMappings.$inferSelect;
export type SecretUsageRow = typeof secretUsage.$inferSelect;
export type SecretSummaryRow = Pick<SecretRow, "name" | "createdAt" | "updatedAt" | "lastUsedAt">;

export async function upsertSecretRow(
  db: Database,
  values: Pick<SecretRow, "name" | "salt" | "iv" | "ciphertext" | "keyId">,
  now: Date,
): Promise<void> {
  await withDbErrors(() =>
    db
      .insert(secrets)
      .values({ ...values, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: secrets.name,
        set: {
          salt: values.salt,
          iv: values.iv,
          ciphertext: values.ciphertext,
          keyId: values.keyId,
          updatedAt: now,
        },
      }),
  );
}

export async function findSecretRow(db: Database, name: string): Promise<SecretRow | undefined> {
  const [row] = await withDbErrors(() => db.select().from(secrets).where(eq(secrets.name, name)));
  return row;
}

export async function listSecretRows(db: Database): Promise<SecretRow[]> {
  return withDbErrors(() => db.select().from(secrets).orderBy(asc(secrets.name)));
}

export async function listSecretSummaries(db: Database): Promise<SecretSummaryRow[]> {
  return withDbErrors(() =>
    db
      .select({
        name: secrets.name,
        createdAt: secrets.createdAt,
        updatedAt: secrets.updatedAt,
        lastUsedAt: secrets.lastUsedAt,
      })
      .from(secrets)
      .orderBy(asc(secrets.name)),
  );
}

/** True when a row was deleted (its mappings go with it). */
export async function deleteSecretRow(db: Database, name: string): Promise<boolean> {
  const deleted = await withDbErrors(() =>
    db.delete(secrets).where(eq(secrets.name, name)).returning({ name: secrets.name }),
  );
  return deleted.length > 0;
}

export async function insertSecretMapping(
  db: Database,
  values: { secretName: string; hosts: string[]; pathPrefix: string | null; location: unknown },
): Promise<SecretMappingRow | undefined> {
  return inTransaction(db, async (tx) => {
    const [secret] = await tx
      .select({ name: secrets.name })
      .from(secrets)
      .where(eq(secrets.name, values.secretName));
    if (!secret) return undefined;
    const [row] = await tx.insert(secretMappings).values(values).returning();
    return row;
  });
}

export async function listSecretMappings(db: Database): Promise<SecretMappingRow[]> {
  return withDbErrors(() => db.select().from(secretMappings).orderBy(asc(secretMappings.id)));
}

export async function deleteSecretMapping(db: Database, id: number): Promise<boolean> {
  const deleted = await withDbErrors(() =>
    db.delete(secretMappings).where(eq(secretMappings.id, id)).returning({ id: secretMappings.id }),
  );
  return deleted.length > 0;
}

/** One injection: the usage row and the secret's last-used time, together. */
export async function recordSecretUsage(
  db: Database,
  secretName: string,
  host: string,
  at: Date,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.insert(secretUsage).values({ secretName, host, usedAt: at });
    await tx.update(secrets).set({ lastUsedAt: at }).where(eq(secrets.name, secretName));
  });
}

export async function listSecretUsage(db: Database, limit = 100): Promise<SecretUsageRow[]> {
  return withDbErrors(() => db.select().from(secretUsage).orderBy(desc(secretUsage.id)).limit(limit));
}

export async function insertSecretRequest(
  db: Database,
  values: { tokenHash: string; secretName: string; reason: string | null; expiresAt: Date },
): Promise<void> {
  await withDbErrors(() => db.insert(secretRequests).values(values));
}

/** A pending, unexpired request by token hash (to show the form). */
export async function findOpenSecretRequest(db: Database, tokenHash: string, now: Date) {
  const [row] = await withDbErrors(() =>
    db
      .select()
      .from(secretRequests)
      .where(
        and(
          eq(secretRequests.tokenHash, tokenHash),
          isNull(secretRequests.usedAt),
          gt(secretRequests.expiresAt, now),
        ),
      ),
  );
  return row;
}

/** Compare-and-set: marks the request used; undefined when it was used, expired or never existed. */
export async function consumeSecretRequest(db: Database, tokenHash: string, now: Date) {
  const [row] = await withDbErrors(() =>
    db
      .update(secretRequests)
      .set({ usedAt: now })
      .where(
        and(
          eq(secretRequests.tokenHash, tokenHash),
          isNull(secretRequests.usedAt),
          gt(secretRequests.expiresAt, now),
        ),
      )
      .returning(),
  );
  return row;
}

/** Undoes `consumeSecretRequest` when storing the value failed, so the owner can try again. */
export async function reopenSecretRequest(db: Database, tokenHash: string): Promise<void> {
  await withDbErrors(() =>
    db.update(secretRequests).set({ usedAt: null }).where(eq(secretRequests.tokenHash, tokenHash)),
  );
}
