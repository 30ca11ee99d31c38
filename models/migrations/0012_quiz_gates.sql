CREATE TABLE "lms_connections" (
	"issuer" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"site_url" text NOT NULL,
	"token_encrypted" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quiz_gates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer" text NOT NULL,
	"lms_quiz_key" text NOT NULL,
	"password" text NOT NULL,
	"password_accepted_at" timestamp with time zone,
	"password_rejected_at" timestamp with time zone,
	"opened_without_password_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "lms_attempt_id" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "gate_override_id" integer;--> statement-breakpoint
ALTER TABLE "quizzes" ADD COLUMN "lms_quiz_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "quiz_gates_quiz_idx" ON "quiz_gates" USING btree ("issuer","lms_quiz_key");--> statement-breakpoint
CREATE INDEX "quizzes_lms_quiz_idx" ON "quizzes" USING btree ("issuer","lms_quiz_key");--> statement-breakpoint
-- Quizzes added before the gate: the same key models/lms-quiz.ts computes (Moodle's view.php?id=<cmid>, else the address without its fragment).
UPDATE "quizzes" SET "lms_quiz_key" = CASE
  WHEN "quiz_url" ~ '^https?://[^/]+(/.*)?/mod/quiz/view\.php\?(.*&)?id=[0-9]+'
    THEN regexp_replace("quiz_url", '^(https?://[^/]+)((/.*)?/mod/quiz/)view\.php\?(.*&)?id=([0-9]+).*$', '\1\2view.php?id=\5')
  ELSE split_part("quiz_url", '#', 1) END
WHERE "lms_quiz_key" IS NULL;
