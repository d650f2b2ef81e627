/**
 * Memory documents and their versions and chunks (schema/memory.ts). A write is one
 * transaction: the row is locked, an unchanged content hash makes it a no-op, otherwise the old
 * content becomes a version (the oldest beyond `maxVersions` pruned) and the chunks are replaced.
 * Vectors are keyed by chunk content hash (memory-vectors.ts), so chunks whose text did not
 * change keep their embedding across a rewrite. Paths arrive validated (src/memory/paths.ts).
 */
import { and, asc, desc, eq, like, sql } from "drizzle-orm";
import type { TextChunk } from "../memory/chunking.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { memoryChunks, memoryDocuments, memoryDocumentVersions } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export const maxVersions = 50;

export type MemoryDocument = typeof memoryDocuments.$inferSelect;

export interface DocumentWrite {
  path: string;
  content: string;
  contentHash: string;
  chunks: readonly TextChunk[];
  metadata?: Record<string, unknown>;
}

export async function getMemoryDocument(db: Database, path: string): Promise<MemoryDocument | undefined> {
  return withDbErrors(async () => {
    const [row] = await db.select().from(memoryDocuments).where(eq(memoryDocuments.path, path));
    return row;
  });
}

/** Documents at exactly these paths (the system-prompt files), in one query. */
export async function getMemoryDocuments(db: Database, paths: readonly string[]): Promise<MemoryDocument[]> {
  if (paths.length === 0) return [];
  return withDbErrors(() =>
    db.select().from(memoryDocuments).where(sql`${memoryDocuments.path} in ${paths}`),
  );
}

export interface DocumentEntry {
  path: string;
  bytes: number;
  updatedAt: Date;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export function pathPrefixCondition(prefix: string) {
  return like(memoryDocuments.path, `${escapeLike(prefix)}%`);
}

export async function listMemoryDocuments(db: Database, prefix = ""): Promise<DocumentEntry[]> {
  return withDbErrors(() =>
    db
      .select({
        path: memoryDocuments.path,
        bytes: sql<number>`octet_length(${memoryDocuments.content})::int`,
        updatedAt: memoryDocuments.updatedAt,
      })
      .from(memoryDocuments)
      .where(prefix ? pathPrefixCondition(prefix) : undefined)
      .orderBy(asc(memoryDocuments.path)),
  );
}

/** Writes a document; `changed` is false when the content was already exactly this. */
export async function writeMemoryDocument(
  db: Database,
  write: DocumentWrite,
): Promise<{ changed: boolean; document: MemoryDocument }> {
  return inTransaction(db, async (tx) => {
    await tx
      .insert(memoryDocuments)
      .values({ path: write.path, content: "", contentHash: "", metadata: write.metadata ?? {} })
      .onConflictDoNothing();
    const [current] = await tx
      .select()
      .from(memoryDocuments)
      .where(eq(memoryDocuments.path, write.path))
      .for("update");
    if (!current) throw new Error(`memory document ${write.path} vanished during its write`);
    if (current.contentHash === write.contentHash) return { changed: false, document: current };
    if (current.contentHash !== "") {
      await tx.insert(memoryDocumentVersions).values({ documentId: current.id, content: current.content });
      await pruneVersions(tx, current.id);
    }
    const [document] = await tx
      .update(memoryDocuments)
      .set({
        content: write.content,
        contentHash: write.contentHash,
        updatedAt: sql`now()`,
        ...(write.metadata ? { metadata: write.metadata } : {}),
      })
      .where(eq(memoryDocuments.id, current.id))
      .returning();
    await tx.delete(memoryChunks).where(eq(memoryChunks.documentId, current.id));
    if (write.chunks.length > 0) {
      await tx.insert(memoryChunks).values(
        write.chunks.map((chunk) => ({
          documentId: current.id,
          position: chunk.position,
          content: chunk.content,
          contentHash: chunk.contentHash,
        })),
      );
    }
    return { changed: true, document: document as MemoryDocument };
  });
}

async function pruneVersions(db: Database, documentId: string): Promise<void> {
  const kept = db
    .select({ id: memoryDocumentVersions.id })
    .from(memoryDocumentVersions)
    .where(eq(memoryDocumentVersions.documentId, documentId))
    .orderBy(desc(memoryDocumentVersions.createdAt), desc(memoryDocumentVersions.id))
    .limit(maxVersions);
  await db
    .delete(memoryDocumentVersions)
    .where(
      and(
        eq(memoryDocumentVersions.documentId, documentId),
        sql`${memoryDocumentVersions.id} not in (${kept})`,
      ),
    );
}

export async function listMemoryVersions(
  db: Database,
  documentId: string,
): Promise<{ id: string; content: string; createdAt: Date }[]> {
  return withDbErrors(() =>
    db
      .select({
        id: memoryDocumentVersions.id,
        content: memoryDocumentVersions.content,
        createdAt: memoryDocumentVersions.createdAt,
      })
      .from(memoryDocumentVersions)
      .where(eq(memoryDocumentVersions.documentId, documentId))
      .orderBy(desc(memoryDocumentVersions.createdAt)),
  );
}

export async function countMemoryChunks(db: Database): Promise<number> {
  return withDbErrors(async () => {
    const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(memoryChunks);
    return Number(row?.count ?? 0);
  });
}
