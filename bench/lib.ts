// Shared helpers for the benchmarks: percentiles, the machine string, writing
// bench/results/<name>.json and printing a table where every target says met or missed, and by how much.
import { mkdirSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

export type Better = "lower" | "higher";

export interface Metric {
  id: string;
  unit: string;
  /** How many samples the figures summarise (timed calls, or rounds for throughput). */
  n: number;
  p50: number;
  p95: number;
  /** null when the metric is recorded for context and has no target. */
  target: number | null;
  better: Better;
  /** What exactly was timed. */
  note: string;
}

export interface BenchResult {
  name: string;
  machine: string;
  date: string;
  metrics: Metric[];
}

export const BENCH_DIR = import.meta.dirname;
export const ROOT = path.resolve(BENCH_DIR, "..");
export const RESULTS_DIR = path.join(BENCH_DIR, "results");

/** "2 cores, AMD EPYC 7B13, 7.8 GB RAM, Node v20.20.2" */
export function machine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  const gb = os.totalmem() / 1024 ** 3;
  return `${cpus.length} cores, ${model}, ${gb.toFixed(1)} GB RAM, Node ${process.version}`;
}

/** Nearest-rank percentile (p in 0..100) of an unsorted list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Round for the JSON file: enough digits to be meaningful for the unit, no float noise. */
export function roundFor(unit: string, value: number): number {
  const digits = unit === "ratio" ? 3 : unit === "req/s" ? 0 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function fmt(unit: string, value: number): string {
  const digits = unit === "ratio" ? 2 : unit === "req/s" ? 0 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function withUnit(unit: string, value: number): string {
  return unit === "ratio" ? fmt(unit, value) : `${fmt(unit, value)} ${unit}`;
}

/**
 * "p50 62 µs — target ≤ 100 µs: met (38 µs under)", "ratio 0.80 — target ≥ 0.85: missed by 0.05".
 * A missed target is always printed with its distance.
 */
export function targetStatus(m: Metric): string {
  const label = m.unit === "ratio" ? "ratio" : "p50";
  const head = `${label} ${withUnit(m.unit, m.p50)}`;
  if (m.target === null) return `${head} — no target`;
  const sign = m.better === "lower" ? "≤" : "≥";
  const met = m.better === "lower" ? m.p50 <= m.target : m.p50 >= m.target;
  const distance = withUnit(m.unit, Math.abs(m.target - m.p50));
  const tail = met ? `met (${distance} ${m.better === "lower" ? "under" : "over"})` : `missed by ${distance}`;
  return `${head} — target ${sign} ${withUnit(m.unit, m.target)}: ${tail}`;
}

export function targetMet(m: Metric): boolean | null {
  if (m.target === null) return null;
  return m.better === "lower" ? m.p50 <= m.target : m.p50 >= m.target;
}

export function writeResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  const rounded: BenchResult = {
    ...result,
    metrics: result.metrics.map((m) => ({
      ...m,
      p50: roundFor(m.unit, m.p50),
      p95: roundFor(m.unit, m.p95),
    })),
  };
  writeFileSync(file, JSON.stringify(rounded, null, 2) + "\n");
  return file;
}

export function printResult(result: BenchResult): void {
  const rows = result.metrics.map((m) => [m.id, m.unit, String(m.n), fmt(m.unit, m.p50), fmt(m.unit, m.p95), targetStatus(m)]);
  const header = ["metric", "unit", "n", "p50", "p95", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  process.stdout.write(`\n${result.name} — ${result.machine} — ${result.date}\n`);
  process.stdout.write(line(header) + "\n" + line(widths.map((w) => "-".repeat(w))) + "\n");
  for (const r of rows) process.stdout.write(line(r) + "\n");
  process.stdout.write("\n");
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

let serverOnlyStubbed = false;

/**
 * `server-only` throws unless it is resolved with the "react-server" condition, which only Next's
 * server bundles use. The benchmarks load app code under tsx, so put an empty, already-loaded
 * module in its place in the CommonJS cache; Node's ESM loader consults the same cache for CJS
 * packages, so both `require("server-only")` and `import "server-only"` get the stub.
 */
export function stubServerOnly(): void {
  if (serverOnlyStubbed) return;
  const require = createRequire(path.join(ROOT, "package.json"));
  const resolved = require.resolve("server-only");
  const stub = new Module(resolved);
  stub.filename = resolved;
  stub.loaded = true;
  stub.exports = {};
  require.cache[resolved] = stub;
  serverOnlyStubbed = true;
}
