import { startSupabaseFake } from "./server";

/**
 * Runs the Supabase Auth fake on its own, for end-to-end runs where the app is a separate process:
 * `node --import tsx tests/support/supabase-fake/cli.ts --port 3215 [--autoconfirm] [--github] [--google]`.
 * Prints one line, `supabase-fake listening on <url>`, once it accepts connections. The anon key is
 * the fixed FAKE_ANON_KEY (also at GET <url>/__fake/keys); script it over HTTP with the /__fake/*
 * control API (see control.ts). Stops on SIGINT/SIGTERM.
 */

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const portText = option("port") ?? "0";
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got "${portText}"`);
  process.exit(2);
}
const siteUrl = option("site-url");

// No top-level await: the repo's .ts files load as CommonJS under tsx.
void startSupabaseFake({
  port,
  autoconfirm: flag("autoconfirm"),
  external: { github: flag("github"), google: flag("google") },
  ...(siteUrl ? { siteUrl } : {}),
}).then(
  (fake) => {
    console.log(`supabase-fake listening on ${fake.url}`);
    const stop = () => void fake.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  },
  (err: unknown) => {
    console.error(`supabase-fake could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
