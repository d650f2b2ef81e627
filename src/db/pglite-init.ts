/**
 * Child-process entry that creates (initdb) an embedded database folder and exits, so the
 * initdb memory peak dies with this process (see pglite.ts). Usage: bun pglite-init.ts <folder>
 */
import { PGlite } from "@electric-sql/pglite";
import { pgliteStartParams } from "./pglite.ts";

const folder = process.argv[2];
if (!folder) {
  process.stderr.write("usage: pglite-init.ts <folder>\n");
  process.exit(2);
}
process.umask(0o077);
try {
  const client = await PGlite.create(folder, { startParams: await pgliteStartParams() });
  await client.close();
} catch (error) {
  process.stderr.write(`initdb failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
