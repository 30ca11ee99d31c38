CREATE TABLE "canvas_api_keys" (
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"site_url" text NOT NULL,
	"api_client_id" text NOT NULL,
	"api_secret_encrypted" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "canvas_api_keys_issuer_client_id_pk" PRIMARY KEY("issuer","client_id")
);
--> statement-breakpoint
CREATE TABLE "canvas_authorizations" (
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"course_id" text NOT NULL,
	"refresh_token_encrypted" jsonb,
	"canvas_user_name" text,
	"authorized_by" text NOT NULL,
	"authorized_at" timestamp with time zone,
	"pending_state_hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "canvas_authorizations_issuer_client_id_course_id_pk" PRIMARY KEY("issuer","client_id","course_id")
);
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "lms_user_id" text;--> statement-breakpoint
ALTER TABLE "quiz_gates" ADD COLUMN "applied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quiz_gates" ADD COLUMN "reapplied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quiz_gates" ADD COLUMN "rotated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "quiz_gates" ADD COLUMN "service_problem" text;