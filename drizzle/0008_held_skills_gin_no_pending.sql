CREATE TABLE "held_skill_installs" (
	"call_key" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"version" text,
	"archive" "bytea" NOT NULL,
	"archive_sha256" text NOT NULL,
	"held_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "memory_chunks_search";--> statement-breakpoint
CREATE INDEX "memory_chunks_search" ON "memory_chunks" USING gin ("search") WITH (fastupdate=false);