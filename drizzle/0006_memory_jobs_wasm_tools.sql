CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid,
	"turn_id" uuid,
	"command" text NOT NULL,
	"policy" text NOT NULL,
	"status" text DEFAULT 'starting' NOT NULL,
	"image" text,
	"container_id" text,
	"timeout_ms" integer NOT NULL,
	"exit_code" integer,
	"output" text,
	"output_bytes" integer DEFAULT 0 NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"error" text,
	"reported" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "memory_chunks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', content)) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memory_document_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memory_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"path" text NOT NULL,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wasm_tool_builds" (
	"call_key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"params" jsonb NOT NULL,
	"binary" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"manifest" jsonb NOT NULL,
	"source" text NOT NULL,
	"tests" jsonb NOT NULL,
	"outcomes" jsonb NOT NULL,
	"summary" text NOT NULL,
	"base_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wasm_tool_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"binary" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"manifest" jsonb NOT NULL,
	"source" text,
	"tests" jsonb,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wasm_tools" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'tool' NOT NULL,
	"version" integer NOT NULL,
	"binary" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"manifest" jsonb NOT NULL,
	"source" text,
	"status" text DEFAULT 'enabled' NOT NULL,
	"disabled_reason" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memory_chunks" ADD CONSTRAINT "memory_chunks_document_id_memory_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."memory_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_document_versions" ADD CONSTRAINT "memory_document_versions_document_id_memory_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."memory_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_active" ON "jobs" USING btree ("status") WHERE "jobs"."status" in ('starting', 'running');--> statement-breakpoint
CREATE INDEX "jobs_created" ON "jobs" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "memory_chunks_document_position" ON "memory_chunks" USING btree ("document_id","position");--> statement-breakpoint
CREATE INDEX "memory_chunks_content_hash" ON "memory_chunks" USING btree ("content_hash");--> statement-breakpoint
CREATE INDEX "memory_chunks_search" ON "memory_chunks" USING gin ("search");--> statement-breakpoint
CREATE INDEX "memory_document_versions_document" ON "memory_document_versions" USING btree ("document_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "memory_documents_path" ON "memory_documents" USING btree ("path");--> statement-breakpoint
CREATE INDEX "wasm_tool_builds_name" ON "wasm_tool_builds" USING btree ("name","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "wasm_tool_versions_name_version" ON "wasm_tool_versions" USING btree ("name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "wasm_tools_name" ON "wasm_tools" USING btree ("name");