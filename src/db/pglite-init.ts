/**
 * Child-process entry that creates (initdb) an embedded database folder, applies the migrations
 * and exits, so the memory both take — initdb's peak, and the pages creating every table touches
 * (PGlite's WebAssembly memory never shrinks) — dies with this process (see pglite.ts); the
 * assistant then opens a folder that is already current. Usage: bun pglite-init.ts <folder>
 */
import { PGlite } from "@electric-sql/pglite";
import { wrapPglite } from "./client.ts";
import { migrateDatabase } from "./migrate.ts";
import { pgliteStartParams } from "./pglite.ts";

const folder = process.argv[2];
if (!folder) {
  process.stderr.write("usage: pglite-init.ts <folder>\n");
  process.exit(2);
}
process.umask(0o077);
try {
  const client = await PGlite.create(folder, { startParams: await pgliteStartParams() });
  await migrateDatabase(await wrapPglite(client, folder));
  await client.close();
} catch (error) {
  process.stderr.write(`initdb failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
