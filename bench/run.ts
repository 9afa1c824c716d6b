// Benchmark dispatcher: `tsx bench/run.ts <name>|all`.
//
// Each benchmark is a module bench/<name>.ts exporting `async function run(): Promise<BenchResult>`.
// The dispatcher writes bench/results/<name>.json and prints a table with each target's status.
// A missed target is reported, not a failure: the exit code is non-zero only when a benchmark
// itself fails (throws) or the name is unknown.
import { readdirSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR, log, printResult, stubServerOnly, writeResult, type BenchResult } from "./lib";

/** Files in bench/ that are not benchmarks. Helper modules also may start with "_". */
const NOT_BENCHMARKS = new Set(["run", "lib"]);

function available(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f))
    .map((f) => f.slice(0, -3))
    .filter((name) => !NOT_BENCHMARKS.has(name))
    .sort();
}

async function runOne(name: string): Promise<BenchResult> {
  const mod = (await import(path.join(BENCH_DIR, `${name}.ts`))) as { run?: () => Promise<BenchResult> };
  if (typeof mod.run !== "function") throw new Error(`bench/${name}.ts does not export run()`);
  const started = performance.now();
  const result = await mod.run();
  const file = writeResult(result);
  printResult(result);
  log(`${name}: wrote ${path.relative(process.cwd(), file)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function main(): Promise<number> {
  const arg = process.argv[2];
  const names = available();
  if (!arg || arg === "-h" || arg === "--help") {
    process.stderr.write(`usage: tsx bench/run.ts <name>|all\nbenchmarks: ${names.join(", ")}\n`);
    return arg ? 0 : 2;
  }
  const selected = arg === "all" ? names : [arg];
  for (const name of selected) {
    if (!names.includes(name)) {
      process.stderr.write(`unknown benchmark "${name}"; available: ${names.join(", ")}\n`);
      return 2;
    }
  }

  // App modules import "server-only"; make it resolvable before any benchmark loads app code.
  stubServerOnly();

  let failed = 0;
  for (const name of selected) {
    try {
      await runOne(name);
    } catch (err) {
      failed++;
      process.stderr.write(`\n[bench] ${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
