CREATE TABLE "proctored_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"quiz_id" uuid NOT NULL,
	"name" text NOT NULL,
	"proctors" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"flexible_start" boolean DEFAULT false NOT NULL,
	"window_ends_at" timestamp with time zone,
	"duration_minutes" integer NOT NULL,
	"time_limit_minutes" integer,
	"max_users" integer NOT NULL,
	"late_entry_minutes" integer DEFAULT 0 NOT NULL,
	"enrollment_code" text NOT NULL,
	"enrollment_mode" text NOT NULL,
	"profile_key" text DEFAULT 'none' NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_auditors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"name" text,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"invited_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"participant_id" bigint,
	"actor_id" text NOT NULL,
	"actor_name" text,
	"action" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_participants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" text,
	"lms_user_id" text,
	"name" text,
	"email" text,
	"status" text DEFAULT 'invited' NOT NULL,
	"source" text NOT NULL,
	"attempt_id" uuid,
	"time_limit_minutes" integer,
	"invited_at" timestamp with time zone,
	"invitation_sent_at" timestamp with time zone,
	"joined_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "proctored_sessions" ADD CONSTRAINT "proctored_sessions_quiz_id_quizzes_id_fk" FOREIGN KEY ("quiz_id") REFERENCES "public"."quizzes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_auditors" ADD CONSTRAINT "session_auditors_session_id_proctored_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."proctored_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_log" ADD CONSTRAINT "session_log_session_id_proctored_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."proctored_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_log" ADD CONSTRAINT "session_log_participant_id_session_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."session_participants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_participants" ADD CONSTRAINT "session_participants_session_id_proctored_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."proctored_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_participants" ADD CONSTRAINT "session_participants_attempt_id_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."attempts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "proctored_sessions_code_idx" ON "proctored_sessions" USING btree ("enrollment_code");--> statement-breakpoint
CREATE INDEX "proctored_sessions_quiz_idx" ON "proctored_sessions" USING btree ("quiz_id");--> statement-breakpoint
CREATE INDEX "session_auditors_session_idx" ON "session_auditors" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_auditors_token_idx" ON "session_auditors" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "session_log_session_idx" ON "session_log" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_participants_user_idx" ON "session_participants" USING btree ("session_id","user_id");--> statement-breakpoint
CREATE INDEX "session_participants_attempt_idx" ON "session_participants" USING btree ("attempt_id");