ALTER TABLE "attempts" ADD COLUMN "bandwidth_kbps" integer;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "recording_rung" text;