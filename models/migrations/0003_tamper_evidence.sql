ALTER TABLE "attempts" ADD COLUMN "heartbeat_counter" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "removal_key_hash" text;