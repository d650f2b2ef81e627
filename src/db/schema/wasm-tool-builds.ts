import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { cleanJsonb, freeText } from "./columns.ts";
import { bytes } from "./wasm-tools.ts";

/**
 * Builds made by `tool_build` that passed their tests and wait for the owner (issue #18). A held
 * build is durable like the approval it belongs to: after a restart the approved call still
 * installs exactly these bytes. `callKey` is the SHA-256 of the call's cleaned parameters in
 * canonical JSON; `params` is that same cleaned JSON, so a row can be matched to its approval
 * (`approvals.params`, jsonb equality) when rows of decided approvals are swept. `baseVersion` is
 * the installed version the review compared against (null: a new tool), so a review that went
 * stale is built again instead of shown.
 */
export const wasmToolBuilds = pgTable(
  "wasm_tool_builds",
  {
    callKey: text("call_key").primaryKey(),
    name: text("name").notNull(),
    params: cleanJsonb("params").$type<Record<string, unknown>>().notNull(),
    binary: bytes("binary").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    manifest: jsonb("manifest").$type<Record<string, unknown>>().notNull(),
    source: freeText("source").notNull(),
    tests: cleanJsonb("tests").$type<unknown[]>().notNull(),
    outcomes: cleanJsonb("outcomes").$type<unknown[]>().notNull(),
    summary: freeText("summary").notNull(),
    baseVersion: integer("base_version"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("wasm_tool_builds_name").on(table.name, table.createdAt)],
);
