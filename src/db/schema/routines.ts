import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

export const routineKinds = ["prompt", "heartbeat"] as const;
/** Who hears about a run: `attention` = answers that need the owner, and failures (default);
 * `success` = every answer, and failures; `failure` = failures only. */
export const notifyPolicies = ["attention", "success", "failure"] as const;
export type NotifyPolicy = (typeof notifyPolicies)[number];
/** After downtime: run once for all missed slots (`once`, default) or skip them (`skip`). */
export const catchUpPolicies = ["once", "skip"] as const;
export type CatchUpPolicy = (typeof catchUpPolicies)[number];

/**
 * A routine: a prompt the assistant runs on a cron schedule. `nextRunAt` is the next slot,
 * computed from the previous *scheduled* time (never from when a run happened to start), so the
 * schedule does not drift. Advancing it is a compare-and-set, which with the unique
 * (routine, scheduled_for) run row makes every slot run at most once across processes.
 */
export const routines = pgTable(
  "routines",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: freeText("name").notNull(),
    kind: text("kind", { enum: routineKinds }).notNull().default("prompt"),
    schedule: text("schedule").notNull(),
    timezone: text("timezone").notNull(),
    prompt: freeText("prompt").notNull(),
    /** Where results go; null = the owner's most recently used chat. */
    channel: freeText("channel"),
    chatId: freeText("chat_id"),
    enabled: boolean("enabled").notNull().default(true),
    notify: text("notify", { enum: notifyPolicies }).notNull().default("attention"),
    catchUp: text("catch_up", { enum: catchUpPolicies }).notNull().default("once"),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("routines_name").on(table.name), index("routines_due").on(table.nextRunAt)],
);

export const runStatuses = [
  "pending",
  "running",
  "ok",
  "attention",
  "failed",
  "skipped",
  "interrupted",
] as const;
export type RunStatus = (typeof runStatuses)[number];
export const runTriggers = ["schedule", "catch_up", "retry", "manual"] as const;
export type RunTrigger = (typeof runTriggers)[number];

/** One run of a routine: claimed once per (routine, scheduled slot), kept as its history. */
export const routineRuns = pgTable(
  "routine_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    routineId: uuid("routine_id")
      .notNull()
      .references(() => routines.id, { onDelete: "cascade" }),
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }).notNull(),
    trigger: text("trigger", { enum: runTriggers }).notNull(),
    status: text("status", { enum: runStatuses }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    summary: freeText("summary"),
    error: freeText("error"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    /** The agent turn that ran it (prompt routines). */
    turnId: uuid("turn_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("routine_runs_slot").on(table.routineId, table.scheduledFor),
    index("routine_runs_status").on(table.status),
  ],
);

/**
 * Messages from routines waiting to reach the owner: held through quiet hours, and kept when the
 * channel is down until a later attempt succeeds. Nothing a routine produced is dropped.
 */
export const routineDeliveries = pgTable(
  "routine_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    routineId: uuid("routine_id").references(() => routines.id, { onDelete: "set null" }),
    runId: uuid("run_id").references(() => routineRuns.id, { onDelete: "set null" }),
    channel: freeText("channel"),
    chatId: freeText("chat_id"),
    text: freeText("text").notNull(),
    notBefore: timestamp("not_before", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    lastError: freeText("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("routine_deliveries_due").on(table.notBefore).where(sql`${table.deliveredAt} is null`)],
);
