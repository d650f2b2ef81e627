import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

export const jobPolicies = ["read-only", "workspace-write", "full-access"] as const;
export type JobPolicy = (typeof jobPolicies)[number];

/**
 * `starting` (slot claimed, container being made) → `running` → one final status. `lost` is a
 * job whose container was gone (or unreadable) when a restarted host looked for it.
 */
export const jobStatuses = [
  "starting",
  "running",
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
  "lost",
] as const;
export type JobStatus = (typeof jobStatuses)[number];
export const activeJobStatuses = ["starting", "running"] as const satisfies readonly JobStatus[];

/**
 * A container job: one shell command run in the sandbox image under a policy. The row is the
 * truth about the job across restarts: its container carries the label `ironclaw.job=<id>`, so
 * a restarted host finds it again (or marks the job lost and removes the container). Starting
 * claims a slot in one statement under a lock (src/db/jobs.ts), so the parallel-jobs cap holds
 * however many starts race.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id"),
    turnId: uuid("turn_id"),
    command: freeText("command").notNull(),
    policy: text("policy", { enum: jobPolicies }).notNull(),
    status: text("status", { enum: jobStatuses }).notNull().default("starting"),
    image: freeText("image"),
    containerId: text("container_id"),
    timeoutMs: integer("timeout_ms").notNull(),
    exitCode: integer("exit_code"),
    /** The capped output (head and tail kept, a marker between them). */
    output: freeText("output"),
    /** Bytes the command printed in total (stdout and stderr). */
    outputBytes: integer("output_bytes").notNull().default(0),
    truncated: boolean("truncated").notNull().default(false),
    /** Why it failed, in words for the owner (out of memory, timeout, engine gone). */
    error: freeText("error"),
    /** The result has been posted to the chat (a job that outlived its turn). */
    reported: boolean("reported").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    index("jobs_active").on(table.status).where(sql`${table.status} in ('starting', 'running')`),
    index("jobs_created").on(table.createdAt),
  ],
);
