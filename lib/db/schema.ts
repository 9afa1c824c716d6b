import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Installation facts. The first migration also proves the migration path end to end on PGlite and
 * Postgres; projects, versions and the rest arrive with the persistence work.
 */
export const appMeta = pgTable("app_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
