CREATE TABLE "installed_skills" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"version" text NOT NULL,
	"sha256" text NOT NULL,
	"archive_sha256" text NOT NULL,
	"archive_size" integer NOT NULL,
	"registry_url" text NOT NULL,
	"files" jsonb NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wasm_channel_state" (
	"channel" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wasm_channel_state_channel_key_pk" PRIMARY KEY("channel","key")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "installed_skills_name" ON "installed_skills" USING btree ("name");