import { sql } from "drizzle-orm";
import { bigint, customType, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * One schema for PGlite and Postgres. Every table of user data is keyed by `owner_id` first, and
 * every child row carries its owner in its key: a row can only be named together with the user it
 * belongs to, so a query that forgot the owner would not find anything (DESIGN 4.1). Project ids
 * are chosen by the client (so a project exists in the browser before its first save), which is
 * safe because they are unique per owner only: another user's id names nothing of yours.
 */

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

const created = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** Installation facts (the first migration's table). */
export const appMeta = pgTable("app_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const projects = pgTable(
  "projects",
  {
    ownerId: uuid("owner_id").notNull(),
    id: text("id").notNull(),
    title: text("title").notNull(),
    /** The version shown when the project opens (0: none yet). */
    currentVersion: integer("current_version").notNull().default(0),
    createdAt: created(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set by delete; the row stays for the undo window, then is purged with everything under it. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** The last run's result (a static preview's URL, or a script's output), shown on reopen. */
    lastRun: jsonb("last_run"),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.id] }), index("projects_owner_updated").on(t.ownerId, t.updatedAt.desc())],
);

export const messages = pgTable(
  "messages",
  {
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    id: text("id").notNull(),
    /** Insertion order: messages read back in the order they were saved. */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    role: text("role").notNull(),
    content: text("content").notNull(),
    /** The rest of the client's message (images, the version it made, fix and error details). */
    meta: jsonb("meta").notNull().default(sql`'{}'::jsonb`),
    createdAt: created(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.projectId, t.id] }),
    foreignKey({ columns: [t.ownerId, t.projectId], foreignColumns: [projects.ownerId, projects.id], name: "messages_project_fk" }).onDelete("cascade"),
    index("messages_order").on(t.ownerId, t.projectId, t.seq),
  ],
);

export const versions = pgTable(
  "versions",
  {
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    n: integer("n").notNull(),
    createdAt: created(),
    source: text("source").notNull(),
    title: text("title").notNull(),
    template: text("template").notNull(),
    entry: text("entry").notNull(),
    port: integer("port"),
    dependencies: jsonb("dependencies").notNull(),
    restoredFrom: integer("restored_from"),
    parent: integer("parent"),
    fileCount: integer("file_count").notNull(),
    bytes: integer("bytes").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.projectId, t.n] }),
    foreignKey({ columns: [t.ownerId, t.projectId], foreignColumns: [projects.ownerId, projects.id], name: "versions_project_fk" }).onDelete("cascade"),
  ],
);

/**
 * File contents, stored once per project however many versions share them (most versions change
 * one or two files of many).
 */
export const blobs = pgTable(
  "blobs",
  {
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    sha256: text("sha256").notNull(),
    content: text("content").notNull(),
    bytes: integer("bytes").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.projectId, t.sha256] }),
    foreignKey({ columns: [t.ownerId, t.projectId], foreignColumns: [projects.ownerId, projects.id], name: "blobs_project_fk" }).onDelete("cascade"),
  ],
);

export const versionFiles = pgTable(
  "version_files",
  {
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    n: integer("n").notNull(),
    path: text("path").notNull(),
    /** The file's place in the version's list, so files read back in the order they were written. */
    position: integer("position").notNull(),
    sha256: text("sha256").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.projectId, t.n, t.path] }),
    foreignKey({ columns: [t.ownerId, t.projectId, t.n], foreignColumns: [versions.ownerId, versions.projectId, versions.n], name: "version_files_version_fk" }).onDelete(
      "cascade",
    ),
    foreignKey({ columns: [t.ownerId, t.projectId, t.sha256], foreignColumns: [blobs.ownerId, blobs.projectId, blobs.sha256], name: "version_files_blob_fk" }).onDelete(
      "cascade",
    ),
  ],
);

/** Every sandbox a user's work started: who owns it, for which project, and whether it still runs. */
export const sandboxes = pgTable(
  "sandboxes",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    template: text("template").notNull(),
    status: text("status").notNull(),
    createdAt: created(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [index("sandboxes_owner").on(t.ownerId, t.status)],
);

/**
 * A static preview's files, kept so the project's last preview opens again after a restart. Looked
 * up by the hash of its capability token; the token itself is never stored.
 */
export const previews = pgTable(
  "previews",
  {
    tokenHash: text("token_hash").primaryKey(),
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    sandboxId: text("sandbox_id").notNull(),
    version: integer("version").notNull(),
    /** The files as one zip (stored, not compressed twice by the database). */
    archive: bytea("archive").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: created(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    foreignKey({ columns: [t.ownerId, t.projectId], foreignColumns: [projects.ownerId, projects.id], name: "previews_project_fk" }).onDelete("cascade"),
    index("previews_project").on(t.ownerId, t.projectId),
  ],
);

/** Read-only links to one version. Only a hash of the token is stored. */
export const shareLinks = pgTable(
  "share_links",
  {
    id: text("id").primaryKey(),
    ownerId: uuid("owner_id").notNull(),
    projectId: text("project_id").notNull(),
    version: integer("version").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: created(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("share_links_token").on(t.tokenHash),
    index("share_links_project").on(t.ownerId, t.projectId),
    foreignKey({ columns: [t.ownerId, t.projectId, t.version], foreignColumns: [versions.ownerId, versions.projectId, versions.n], name: "share_links_version_fk" }).onDelete(
      "cascade",
    ),
  ],
);

/** Provider keys a user asked to keep: AES-256-GCM ciphertext bound to owner and provider. */
export const userKeys = pgTable(
  "user_keys",
  {
    ownerId: uuid("owner_id").notNull(),
    provider: text("provider").notNull(),
    /** base64url of iv ‖ ciphertext ‖ tag. */
    sealed: text("sealed").notNull(),
    /** Which encryption key sealed it (a fingerprint, not the key), so a rotated key is noticed. */
    keyId: text("key_id").notNull(),
    last4: text("last4").notNull(),
    createdAt: created(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.provider] })],
);

/**
 * Sessions signed out while their access tokens still live. Tokens are verified on this server
 * without asking Supabase, so without this list a signed-out session's token would keep working
 * until it expires. Every authenticated request looks for a row that refuses its token: one row
 * names one session (signing out of it), or, with no session, refuses every token of the user
 * issued up to `revoked_at` (signing out everywhere; a password change, which keeps the session
 * that made it). A row is kept until every token it can refuse has expired, then purged.
 */
export const sessionRevocations = pgTable(
  "session_revocations",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id").notNull(),
    /** The one session ended; null: every session of the user issued up to `revokedAt`. */
    sessionId: uuid("session_id"),
    /** A password change ends every other session but the one that made it. */
    keepSessionId: uuid("keep_session_id"),
    reason: text("reason").notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("session_revocations_user").on(t.userId, t.expiresAt), index("session_revocations_expiry").on(t.expiresAt)],
);
