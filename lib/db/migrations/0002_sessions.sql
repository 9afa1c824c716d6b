CREATE TABLE "session_revocations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "session_revocations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" uuid NOT NULL,
	"session_id" uuid,
	"keep_session_id" uuid,
	"reason" text NOT NULL,
	"revoked_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "session_revocations_user" ON "session_revocations" USING btree ("user_id","expires_at");--> statement-breakpoint
CREATE INDEX "session_revocations_expiry" ON "session_revocations" USING btree ("expires_at");