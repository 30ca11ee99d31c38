CREATE TABLE "proctor_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"participant_id" bigint NOT NULL,
	"text" text NOT NULL,
	"sent_by" text NOT NULL,
	"sent_by_name" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "participant_id" bigint;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "pause_message" text;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "paused_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "extra_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "extra_time_note" text;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "end_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "proctor_messages" ADD CONSTRAINT "proctor_messages_session_id_proctored_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."proctored_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proctor_messages" ADD CONSTRAINT "proctor_messages_participant_id_session_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."session_participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "proctor_messages_participant_idx" ON "proctor_messages" USING btree ("participant_id");