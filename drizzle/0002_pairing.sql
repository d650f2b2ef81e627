CREATE TABLE "pairing_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_user_id" text NOT NULL,
	"display_name" text,
	"chat_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "pairing_codes_channel" ON "pairing_codes" USING btree ("channel","status");