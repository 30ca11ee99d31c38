CREATE TABLE "chunk_runs" (
	"attempt_id" uuid NOT NULL,
	"stream" text NOT NULL,
	"segment" integer NOT NULL,
	"first_seq" integer NOT NULL,
	"last_seq" integer NOT NULL,
	"object_key" text NOT NULL,
	"bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chunk_runs_attempt_id_stream_segment_first_seq_pk" PRIMARY KEY("attempt_id","stream","segment","first_seq")
);
--> statement-breakpoint
ALTER TABLE "chunk_runs" ADD CONSTRAINT "chunk_runs_attempt_id_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."attempts"("id") ON DELETE cascade ON UPDATE no action;