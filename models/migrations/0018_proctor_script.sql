CREATE TABLE "session_checklist" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"item" text NOT NULL,
	"ticked_by" text NOT NULL,
	"ticked_by_name" text,
	"ticked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "id_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "id_confirmed_by" text;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "resume_allowed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_checklist" ADD CONSTRAINT "session_checklist_session_id_proctored_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."proctored_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_checklist_item_idx" ON "session_checklist" USING btree ("session_id","item");