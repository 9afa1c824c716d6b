CREATE TABLE "blobs" (
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"sha256" text NOT NULL,
	"content" text NOT NULL,
	"bytes" integer NOT NULL,
	CONSTRAINT "blobs_owner_id_project_id_sha256_pk" PRIMARY KEY("owner_id","project_id","sha256")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "messages_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"role" text NOT NULL,
	"content" text NOT NULL,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_owner_id_project_id_id_pk" PRIMARY KEY("owner_id","project_id","id")
);
--> statement-breakpoint
CREATE TABLE "previews" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"sandbox_id" text NOT NULL,
	"version" integer NOT NULL,
	"archive" "bytea" NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"owner_id" uuid NOT NULL,
	"id" text NOT NULL,
	"title" text NOT NULL,
	"current_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"last_run" jsonb,
	CONSTRAINT "projects_owner_id_id_pk" PRIMARY KEY("owner_id","id")
);
--> statement-breakpoint
CREATE TABLE "sandboxes" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"template" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "share_links" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"version" integer NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "user_keys" (
	"owner_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"sealed" text NOT NULL,
	"key_id" text NOT NULL,
	"last4" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_keys_owner_id_provider_pk" PRIMARY KEY("owner_id","provider")
);
--> statement-breakpoint
CREATE TABLE "version_files" (
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"n" integer NOT NULL,
	"path" text NOT NULL,
	"position" integer NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "version_files_owner_id_project_id_n_path_pk" PRIMARY KEY("owner_id","project_id","n","path")
);
--> statement-breakpoint
CREATE TABLE "versions" (
	"owner_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"n" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"title" text NOT NULL,
	"template" text NOT NULL,
	"entry" text NOT NULL,
	"port" integer,
	"dependencies" jsonb NOT NULL,
	"restored_from" integer,
	"parent" integer,
	"file_count" integer NOT NULL,
	"bytes" integer NOT NULL,
	CONSTRAINT "versions_owner_id_project_id_n_pk" PRIMARY KEY("owner_id","project_id","n")
);
--> statement-breakpoint
ALTER TABLE "blobs" ADD CONSTRAINT "blobs_project_fk" FOREIGN KEY ("owner_id","project_id") REFERENCES "public"."projects"("owner_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_project_fk" FOREIGN KEY ("owner_id","project_id") REFERENCES "public"."projects"("owner_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "previews" ADD CONSTRAINT "previews_project_fk" FOREIGN KEY ("owner_id","project_id") REFERENCES "public"."projects"("owner_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_version_fk" FOREIGN KEY ("owner_id","project_id","version") REFERENCES "public"."versions"("owner_id","project_id","n") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "version_files" ADD CONSTRAINT "version_files_version_fk" FOREIGN KEY ("owner_id","project_id","n") REFERENCES "public"."versions"("owner_id","project_id","n") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "version_files" ADD CONSTRAINT "version_files_blob_fk" FOREIGN KEY ("owner_id","project_id","sha256") REFERENCES "public"."blobs"("owner_id","project_id","sha256") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "versions" ADD CONSTRAINT "versions_project_fk" FOREIGN KEY ("owner_id","project_id") REFERENCES "public"."projects"("owner_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_order" ON "messages" USING btree ("owner_id","project_id","seq");--> statement-breakpoint
CREATE INDEX "previews_project" ON "previews" USING btree ("owner_id","project_id");--> statement-breakpoint
CREATE INDEX "projects_owner_updated" ON "projects" USING btree ("owner_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sandboxes_owner" ON "sandboxes" USING btree ("owner_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "share_links_token" ON "share_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "share_links_project" ON "share_links" USING btree ("owner_id","project_id");