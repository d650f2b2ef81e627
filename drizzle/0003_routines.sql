CREATE TABLE "routine_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"routine_id" uuid,
	"run_id" uuid,
	"channel" text,
	"chat_id" text,
	"text" text NOT NULL,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routine_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"routine_id" uuid NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"summary" text,
	"error" text,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"turn_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'prompt' NOT NULL,
	"schedule" text NOT NULL,
	"timezone" text NOT NULL,
	"prompt" text NOT NULL,
	"channel" text,
	"chat_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"notify" text DEFAULT 'attention' NOT NULL,
	"catch_up" text DEFAULT 'once' NOT NULL,
	"next_run_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "routine_deliveries" ADD CONSTRAINT "routine_deliveries_routine_id_routines_id_fk" FOREIGN KEY ("routine_id") REFERENCES "public"."routines"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routine_deliveries" ADD CONSTRAINT "routine_deliveries_run_id_routine_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."routine_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routine_runs" ADD CONSTRAINT "routine_runs_routine_id_routines_id_fk" FOREIGN KEY ("routine_id") REFERENCES "public"."routines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "routine_deliveries_due" ON "routine_deliveries" USING btree ("not_before") WHERE "routine_deliveries"."delivered_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "routine_runs_slot" ON "routine_runs" USING btree ("routine_id","scheduled_for");--> statement-breakpoint
CREATE INDEX "routine_runs_status" ON "routine_runs" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "routines_name" ON "routines" USING btree ("name");--> statement-breakpoint
CREATE INDEX "routines_due" ON "routines" USING btree ("next_run_at");