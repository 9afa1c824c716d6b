import { startOpenAIFake } from "./server";

/**
 * Runs the fake OpenAI-compatible server on its own, for end-to-end runs where the app is a
 * separate process: `npx tsx tests/support/openai-fake/cli.ts --port 4010 [--models a,b]`.
 * Prints one line, `openai-fake listening on <url>/v1`, once it accepts connections; script it
 * over HTTP (POST <url>/__fake/scripts). Stops on SIGINT/SIGTERM.
 */

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const portText = option("port") ?? "0";
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got "${portText}"`);
  process.exit(2);
}
const models = option("models")?.split(",").map((m) => m.trim()).filter(Boolean);

// No top-level await: the repo's .ts files load as CommonJS under tsx.
void startOpenAIFake({ port, models }).then(
  (fake) => {
    console.log(`openai-fake listening on ${fake.baseUrl}`);
    const stop = () => void fake.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  },
  (err: unknown) => {
    console.error(`openai-fake could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
