CREATE TABLE "deletion_receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"attempt_id" uuid NOT NULL,
	"quiz_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"retention_days" integer NOT NULL,
	"object_count" integer NOT NULL,
	"bytes" bigint NOT NULL,
	"prefixes" jsonb NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "media_deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deletion_receipts" ADD CONSTRAINT "deletion_receipts_attempt_id_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deletion_receipts_attempt_idx" ON "deletion_receipts" USING btree ("attempt_id");