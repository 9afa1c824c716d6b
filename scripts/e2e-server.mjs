#!/usr/bin/env node
// The server Playwright tests run against: the production build, a fresh data dir, the log
// written to a file the specs read to check security events, and a scripted OpenAI-compatible
// model server on loopback (tests/support/openai-fake) so the real provider code runs end to end.
import { mkdirSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { ensureBuild, ROOT } from "./lib/bootstrap.mjs";

// `--no-model`: the same app with no model provider configured (the setup guide and the
// examples gallery), on its own port and data dir. `--auth`: the app with Supabase sign-in, against
// a loopback server speaking Supabase Auth's API (tests/support/supabase-fake).
const noModel = process.argv.includes("--no-model");
const auth = process.argv.includes("--auth");
ensureBuild();
const dir = path.join(ROOT, ".data", noModel ? "e2e-no-model" : auth ? "e2e-auth" : "e2e");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const logFd = openSync(path.join(dir, "server.log"), "a");
const fakePort = process.env.E2E_FAKE_PORT ?? "3211";
const authPort = process.env.E2E_AUTH_FAKE_PORT ?? "3215";
const appPort = noModel ? (process.env.E2E_NO_MODEL_PORT ?? "3212") : auth ? (process.env.E2E_AUTH_PORT ?? "3214") : (process.env.E2E_PORT ?? "3210");
// A fixed test key: kept API keys are sealed with it (it protects nothing real).
const KEYS_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

const supabase = auth
  ? spawn(process.execPath, ["--import", "tsx", path.join("tests", "support", "supabase-fake", "cli.ts"), "--port", authPort, "--autoconfirm", "--github", "--site-url", `http://127.0.0.1:${appPort}`], {
      cwd: ROOT,
      stdio: ["ignore", logFd, logFd],
    })
  : null;
// The auth server uses the main server's model fake (it lists its model from configuration, so it
// starts without it); only the main server starts one.
const fake = noModel || auth ? null : spawn(process.execPath, ["--import", "tsx", path.join("tests", "support", "openai-fake", "cli.ts"), "--port", fakePort, "--models", "fake-coder"], {
  cwd: ROOT,
  stdio: ["ignore", logFd, logFd],
});
/** The fake's anon key (the app needs it at start), once the fake answers. */
async function fakeAnonKey() {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${authPort}/__fake/keys`);
      if (res.ok) return (await res.json()).anonKey;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the Supabase Auth fake did not start");
}
const anonKey = auth ? await fakeAnonKey() : undefined;

const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
  cwd: ROOT,
  stdio: ["ignore", logFd, logFd],
  env: {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOSTNAME: "127.0.0.1",
    PORT: appPort,
    DATA_DIR: path.join(dir, "data"),
    LOG_LEVEL: "info",
    // The builder specs make more model calls in a minute than the per-user chat limit allows a
    // person; the limits keep their proportions (exhaustion.spec.ts spends one whole budget).
    RATE_LIMIT_SCALE: "3",
    ...(noModel ? {} : { KEYS_ENCRYPTION_KEY }),
    ...(auth
      ? {
          NEXT_PUBLIC_SUPABASE_URL: `http://127.0.0.1:${authPort}`,
          NEXT_PUBLIC_SUPABASE_ANON_KEY: anonKey,
          // As behind a TLS-terminating proxy: a spec can then send X-Forwarded-Proto: https (the
          // session cookie turns Secure) and X-Forwarded-For (per-address limits, apart from its own).
          TRUST_PROXY: "1",
        }
      : {}),
    ...(noModel
      ? {}
      : {
          OPENAI_COMPATIBLE_BASE_URL: `http://127.0.0.1:${fakePort}/v1`,
          OPENAI_COMPATIBLE_MODELS: "fake-coder",
          // Short, so the timeout test does not wait a minute; real deployments keep the 60 s default.
          MODEL_TIMEOUT_MS: process.env.E2E_MODEL_TIMEOUT_MS ?? "4000",
        }),
  },
});
const stopAll = (signal) => {
  fake?.kill(signal);
  supabase?.kill(signal);
  child.kill(signal);
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(signal));
fake?.on("exit", (code) => {
  if (child.exitCode === null) {
    console.error(`the fake model server exited (${code}); stopping`);
    child.kill("SIGTERM");
  }
});
supabase?.on("exit", (code) => {
  if (child.exitCode === null) {
    console.error(`the Supabase Auth fake exited (${code}); stopping`);
    child.kill("SIGTERM");
  }
});
child.on("exit", (code) => {
  fake?.kill("SIGTERM");
  supabase?.kill("SIGTERM");
  process.exit(code ?? 1);
});
