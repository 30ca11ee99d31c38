DROP INDEX "attempt_events_client_idx";--> statement-breakpoint
DROP INDEX "flags_client_idx";--> statement-breakpoint
ALTER TABLE "attempt_events" ADD COLUMN "source" text DEFAULT 'extension' NOT NULL;--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "source" text DEFAULT 'extension' NOT NULL;--> statement-breakpoint
-- Rows the server wrote before sources existed: only the server may record these types (models/events.ts, flags.ts).
UPDATE "attempt_events" SET "source" = 'server' WHERE "type" IN ('bandwidth_checked', 'heartbeat_resumed', 'heartbeat_refused', 'extension_removed', 'recording_gap');--> statement-breakpoint
UPDATE "flags" SET "source" = 'server' WHERE "type" IN ('heartbeat_lost', 'extension_removed');--> statement-breakpoint
CREATE UNIQUE INDEX "attempt_events_source_idx" ON "attempt_events" USING btree ("attempt_id","source","client_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "flags_source_idx" ON "flags" USING btree ("attempt_id","source","client_flag_id");