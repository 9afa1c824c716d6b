// `npm run db:migrate`: apply pending migrations to the configured database and exit.
import { env, EnvError } from "../lib/env";
import { migrateDatabase, openDatabase } from "../lib/db/open";

try {
  env();
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const database = await openDatabase();
try {
  await migrateDatabase(database);
  console.log(`Migrations applied (${database.kind}).`);
} finally {
  await database.close();
}
