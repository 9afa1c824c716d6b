#!/usr/bin/env node
// `npm start`: bootstrap what is missing, build if stale, serve the production build.
import path from "node:path";
import { spawn } from "node:child_process";
import { checkNode, ensureBuild, ensureDependencies, ensureSystemPackages, ensureTemplates, ROOT } from "./lib/bootstrap.mjs";

checkNode();
ensureDependencies();
ensureTemplates();
ensureSystemPackages(["sandbox"], { required: false });
ensureBuild();

const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
  cwd: ROOT,
  stdio: "inherit",
  env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
