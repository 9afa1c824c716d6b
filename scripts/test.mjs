#!/usr/bin/env node
// `npm test`: the same bootstrap as `npm start`, then every suite against the production build.
// Runs all suites even when one fails, then prints one summary line and exits non-zero on failure.
import path from "node:path";
import { checkNode, ensureBuild, ensureDependencies, ensureSystemPackages, ensureTemplates, run, step, ROOT } from "./lib/bootstrap.mjs";

checkNode();
ensureDependencies();
ensureTemplates();
ensureSystemPackages(["sandbox", "browser"], { required: true });

const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
if (!env.TEST_DATABASE_URL) console.warn("! TEST_DATABASE_URL is not set: Postgres integration tests will say they are skipped.");

const suites = [
  ["lint", bin("eslint"), ["--max-warnings=0", "."]],
  ["typecheck", bin("tsc"), ["--noEmit", "-p", "."]],
  ["unit", bin("vitest"), ["run", "--project", "unit"]],
  ["integration", bin("vitest"), ["run", "--project", "integration"]],
  ["build", null, []],
  ["e2e", bin("playwright"), ["test"]],
];

const results = [];
for (const [name, cmd, args] of suites) {
  step(`${name}…`);
  const started = Date.now();
  let status;
  if (name === "build") {
    ensureBuild();
    status = 0;
  } else {
    status = run(cmd, args, { env });
  }
  results.push({ name, ok: status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log("\nSuites:");
for (const r of results) console.log(`  ${r.ok ? "✓" : "✗"} ${r.name.padEnd(12)} ${r.seconds}s`);
const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
