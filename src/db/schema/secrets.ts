import { index, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

/**
 * The encrypted secret store (src/secrets/). A row holds only ciphertext: AES-256-GCM under a key
 * derived per secret (HKDF-SHA256 of the master key and `salt`), the secret's name bound in as
 * associated data. `keyId` fingerprints the master key it was stored with, so a wrong key is told
 * apart from a corrupt ciphertext. The master key itself is never in the database.
 */
export const secrets = pgTable("secrets", {
  name: text("name").primaryKey(),
  salt: text("salt").notNull(),
  iv: text("iv").notNull(),
  ciphertext: text("ciphertext").notNull(),
  keyId: text("key_id").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/**
 * Where the host injects a secret: hosts (globs), an optional path prefix and the location
 * (`{type: "bearer"} | {type: "header", name, prefix?} | …`, see src/secrets/mapping.ts).
 * Deleting the secret deletes its mappings.
 */
export const secretMappings = pgTable(
  "secret_mappings",
  {
    id: serial("id").primaryKey(),
    secretName: text("secret_name")
      .notNull()
      .references(() => secrets.name, { onDelete: "cascade" }),
    hosts: jsonb("hosts").$type<string[]>().notNull(),
    pathPrefix: text("path_prefix"),
    location: jsonb("location").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("secret_mappings_secret").on(table.secretName)],
);

/** Every injection at the HTTP boundary: which secret went to which host, when. Never the value. */
export const secretUsage = pgTable(
  "secret_usage",
  {
    id: serial("id").primaryKey(),
    secretName: text("secret_name").notNull(),
    host: text("host").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("secret_usage_secret").on(table.secretName, table.usedAt)],
);

/**
 * One-time requests for the owner to add a secret outside the chat (the `secret_request` tool):
 * only the SHA-256 of the link token is stored; a request is used once and expires.
 */
export const secretRequests = pgTable("secret_requests", {
  tokenHash: text("token_hash").primaryKey(),
  secretName: text("secret_name").notNull(),
  reason: freeText("reason"),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
