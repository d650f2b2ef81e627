CREATE TABLE "leak_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"point" text NOT NULL,
	"finding" text NOT NULL,
	"action" text NOT NULL,
	"source" text,
	"turn_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secret_mappings" (
	"id" serial PRIMARY KEY NOT NULL,
	"secret_name" text NOT NULL,
	"hosts" jsonb NOT NULL,
	"path_prefix" text,
	"location" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secret_requests" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"secret_name" text NOT NULL,
	"reason" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secret_usage" (
	"id" serial PRIMARY KEY NOT NULL,
	"secret_name" text NOT NULL,
	"host" text NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"salt" text NOT NULL,
	"iv" text NOT NULL,
	"ciphertext" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "llm_calls" ADD COLUMN "cache_read_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD COLUMN "cache_write_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "secret_mappings" ADD CONSTRAINT "secret_mappings_secret_name_secrets_name_fk" FOREIGN KEY ("secret_name") REFERENCES "public"."secrets"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leak_events_created" ON "leak_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "secret_mappings_secret" ON "secret_mappings" USING btree ("secret_name");--> statement-breakpoint
CREATE INDEX "secret_usage_secret" ON "secret_usage" USING btree ("secret_name","used_at");