import {
  customType,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

/**
 * `bytea` as a Uint8Array. postgres.js hands back a Buffer and PGlite a Uint8Array; both become
 * a plain Uint8Array view here, so a hash over it means the same thing on either backend.
 */
export const bytes = customType<{ data: Uint8Array; driverData: Uint8Array | string }>({
  dataType: () => "bytea",
  toDriver: (value) =>
    Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => {
    if (typeof value === "string") return new Uint8Array(Buffer.from(value.replace(/^\\x/, ""), "hex"));
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  },
});

export const wasmToolStatuses = ["enabled", "disabled"] as const;
export type WasmToolStatus = (typeof wasmToolStatuses)[number];

/**
 * The installed WASM tools, one row per name: the current version's component (BYTEA), its
 * SHA-256 (checked against the bytes on every load: a mismatch disables the row), its manifest in
 * the snake_case form an author writes (parsed again on every load), and the source it was built
 * from when the host built it. `disabledReason` says why a tool is off (the owner's choice, a
 * hash mismatch, a load failure).
 */
export const wasmTools = pgTable(
  "wasm_tools",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind").notNull().default("tool"),
    version: integer("version").notNull(),
    binary: bytes("binary").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    manifest: jsonb("manifest").$type<Record<string, unknown>>().notNull(),
    source: freeText("source"),
    status: text("status", { enum: wasmToolStatuses }).notNull().default("enabled"),
    disabledReason: freeText("disabled_reason"),
    installedAt: timestamp("installed_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("wasm_tools_name").on(table.name)],
);

/**
 * Every version of every installed tool, kept for history and rollback: its component, hash,
 * manifest, source and the test cases it passed when the host built it.
 */
export const wasmToolVersions = pgTable(
  "wasm_tool_versions",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    binary: bytes("binary").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    manifest: jsonb("manifest").$type<Record<string, unknown>>().notNull(),
    source: freeText("source"),
    tests: jsonb("tests").$type<unknown[]>(),
    installedAt: timestamp("installed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("wasm_tool_versions_name_version").on(table.name, table.version)],
);
