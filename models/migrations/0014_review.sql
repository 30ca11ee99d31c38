CREATE TABLE "attempt_outcomes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"attempt_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"label" text NOT NULL,
	"counts_as_occurrence" boolean NOT NULL,
	"note" text,
	"decided_by" text NOT NULL,
	"decided_by_name" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"context_id" text,
	"quiz_id" uuid,
	"attempt_id" uuid,
	"actor_id" text NOT NULL,
	"actor_name" text,
	"action" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "course_profiles" (
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"context_id" text NOT NULL,
	"outcomes" jsonb NOT NULL,
	"dismiss_reasons" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_profiles_issuer_client_id_deployment_id_context_id_pk" PRIMARY KEY("issuer","client_id","deployment_id","context_id")
);
--> statement-breakpoint
CREATE TABLE "explanation_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attempt_id" uuid NOT NULL,
	"flag_id" bigint,
	"message" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"requested_by" text NOT NULL,
	"requested_by_name" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "flag_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"flag_id" bigint NOT NULL,
	"attempt_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"note" text,
	"decided_by" text NOT NULL,
	"decided_by_name" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"kind" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "timeline" jsonb;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "progress" real;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "processing_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "thumbnails" jsonb;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "side_problems" jsonb;--> statement-breakpoint
ALTER TABLE "attempt_outcomes" ADD CONSTRAINT "attempt_outcomes_attempt_id_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "explanation_requests" ADD CONSTRAINT "explanation_requests_attempt_id_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "explanation_requests" ADD CONSTRAINT "explanation_requests_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_decisions" ADD CONSTRAINT "flag_decisions_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_decisions" ADD CONSTRAINT "flag_decisions_attempt_id_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attempt_outcomes_attempt_idx" ON "attempt_outcomes" USING btree ("attempt_id");--> statement-breakpoint
CREATE INDEX "audit_entries_course_idx" ON "audit_entries" USING btree ("issuer","client_id","deployment_id","context_id");--> statement-breakpoint
CREATE INDEX "audit_entries_attempt_idx" ON "audit_entries" USING btree ("attempt_id");--> statement-breakpoint
CREATE INDEX "explanation_requests_attempt_idx" ON "explanation_requests" USING btree ("attempt_id");--> statement-breakpoint
CREATE INDEX "flag_decisions_attempt_idx" ON "flag_decisions" USING btree ("attempt_id");--> statement-breakpoint
CREATE INDEX "mail_outbox_unsent_idx" ON "mail_outbox" USING btree ("sent_at","next_attempt_at");