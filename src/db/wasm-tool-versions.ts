/**
 * One stored version of an installed WASM tool with its bytes, for `ironclaw tools rollback`
 * (the version list without bytes is in wasm-tools.ts).
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { wasmToolVersions } from "./schema/index.ts";

export type WasmToolVersionWithBytes = typeof wasmToolVersions.$inferSelect;

export async function getWasmToolVersion(
  db: Database,
  name: string,
  version: number,
): Promise<WasmToolVersionWithBytes | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .select()
      .from(wasmToolVersions)
      .where(and(eq(wasmToolVersions.name, name), eq(wasmToolVersions.version, version)))
      .limit(1),
  );
  return row;
}
