#!/usr/bin/env node
// The server Playwright tests run against: the production build, a fresh data dir, and the log
// written to a file the specs read to check security events.
import { mkdirSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { ensureBuild, ROOT } from "./lib/bootstrap.mjs";

ensureBuild();
const dir = path.join(ROOT, ".data", "e2e");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const logFd = openSync(path.join(dir, "server.log"), "a");
const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
  cwd: ROOT,
  stdio: ["ignore", logFd, logFd],
  env: {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOSTNAME: "127.0.0.1",
    PORT: process.env.E2E_PORT ?? "3210",
    DATA_DIR: path.join(dir, "data"),
    LOG_LEVEL: "info",
  },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
