/**
 * Column types for text that comes from outside (chat platforms, the model, tools): `text` and
 * `jsonb` in the database, but every value bound for them — on insert, update and in `where`
 * comparisons alike — goes through `clean-text.ts`, so a NUL byte or a lone surrogate is stored
 * as U+FFFD instead of failing the statement. Being the column's own mapping, it covers every
 * writer (repositories, transactions in services) without each one having to remember.
 * Enumerated text columns (statuses) keep drizzle's `text`: their values are the host's own.
 */
import { customType } from "drizzle-orm/pg-core";
import { cleanText, toStorableJson } from "../clean-text.ts";

/** `text`, cleaned on the way in. */
export const freeText = customType<{ data: string; driverData: string }>({
  dataType: () => "text",
  toDriver: (value) => cleanText(value),
});

/** `jsonb`, cleaned on the way in; read back as parsed JSON like drizzle's own `jsonb`. */
export const cleanJsonb = customType<{ data: unknown; driverData: string }>({
  dataType: () => "jsonb",
  toDriver: (value) => toStorableJson(value),
  fromDriver: (value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
});
