// bench:fairness — what a CPU hog in one sandbox does to everyone else: the builder page's latency
// (GET / from the production server, as a person opening the app would) idle, while 60 processes
// spin inside one sandbox, and, for comparison, while the same 60 spin on the host outside any
// cgroup (what a sandbox could do before sandboxes had a CPU share). Ratios are to the idle figure
// measured in the same run; the machine's own load is in the figures as it is.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { log, machine, median, percentile, ROOT, type BenchResult, type Metric } from "./lib";
import { sandboxTempDir } from "../tests/support/sandbox";

const PORT = 3330;
const BASE = `http://127.0.0.1:${PORT}`;
const SPINNERS = 60;
const WARMUP = 5;
const SAMPLES = 40;

async function waitForHealth(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the app did not answer /api/health within 120 s");
}

async function pageLatencies(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const started = performance.now();
    const res = await fetch(`${BASE}/`);
    await res.text();
    if (!res.ok) throw new Error(`GET / answered ${res.status}`);
    if (i >= WARMUP) times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 50));
  }
  return times;
}

const spin = `i=0; while [ $i -lt ${SPINNERS} ]; do (while :; do :; done) & i=$((i+1)); done; wait`;

export async function run(): Promise<BenchResult> {
  const { ensureBuild } = (await import(path.join(ROOT, "scripts/lib/bootstrap.mjs"))) as { ensureBuild: () => void };
  ensureBuild();
  const { LocalSandboxProvider } = await import("../lib/sandbox/providers/local/provider");
  const { sandboxCores } = await import("../lib/sandbox/providers/local/cgroups");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tessera-bench-fair-"));
  const sandboxDir = sandboxTempDir("tessera-bench-fair-sbx-");
  const provider = new LocalSandboxProvider({ rootDir: sandboxDir, templatesDir: path.join(ROOT, "templates") });
  let server: ChildProcess | undefined;
  const hogs: ChildProcess[] = [];
  try {
    server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production", HOSTNAME: "127.0.0.1", PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: "warn", RATE_LIMIT_SCALE: "100" },
    });
    await waitForHealth(Date.now() + 120_000);

    const idle = await pageLatencies();
    log(`fairness: idle p50 ${median(idle).toFixed(1)} ms`);

    const sandbox = await provider.create({ template: "python", ownerId: "bench", projectId: "hog", limits: { maxProcesses: SPINNERS + 20, cpuSeconds: 300, commandTimeoutMs: 10 * 60_000 } });
    const hog = await sandbox.commands.start(["/bin/sh", "-c", spin]);
    await new Promise((r) => setTimeout(r, 1_500));
    const cpuBefore = (await sandbox.metrics()).cpuSeconds;
    const wallBefore = performance.now();
    const confined = await pageLatencies();
    const coresUsed = ((await sandbox.metrics()).cpuSeconds - cpuBefore) / ((performance.now() - wallBefore) / 1000);
    await hog.kill();
    log(`fairness: hog in a sandbox p50 ${median(confined).toFixed(1)} ms (sandbox used ${coresUsed.toFixed(2)} cores)`);

    for (let i = 0; i < SPINNERS; i++) hogs.push(spawn("/bin/sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));
    await new Promise((r) => setTimeout(r, 1_500));
    const unconfined = await pageLatencies();
    for (const h of hogs) h.kill("SIGKILL");
    log(`fairness: the same hog on the host p50 ${median(unconfined).toFixed(1)} ms`);

    const metric = (id: string, values: number[], note: string): Metric => ({ id, unit: "ms", n: values.length, p50: median(values), p95: percentile(values, 95), target: null, better: "lower", note });
    const ratio = (id: string, of: number[], note: string, target: number | null): Metric => {
      const r = median(of) / median(idle);
      return { id, unit: "ratio", n: of.length, p50: r, p95: percentile(of, 95) / percentile(idle, 95), target, better: "lower", note };
    };
    return {
      name: "fairness",
      machine: machine(),
      date: new Date().toISOString(),
      metrics: [
        metric("page_idle", idle, `GET / (the builder page, production server), ${SAMPLES} requests 50 ms apart after ${WARMUP} warm-ups, nothing else running in any sandbox.`),
        metric("page_with_sandbox_hog", confined, `The same, while ${SPINNERS} processes spin in one sandbox (its cgroup: at most ${sandboxCores()} of ${os.availableParallelism()} cores for all sandboxes, a quarter of the app's weight).`),
        ratio("page_with_sandbox_hog_vs_idle", confined, "p50 with the hog in a sandbox over p50 idle, same run. Target: the page at most twice as slow.", 2),
        {
          id: "sandbox_hog_cores",
          unit: "cores",
          n: 1,
          p50: coresUsed,
          p95: coresUsed,
          target: null,
          better: "lower",
          note: `CPU the hog's sandbox used while the page was measured (cgroup CPU seconds over wall seconds), against the cap of ${sandboxCores()} core(s) all sandboxes share (the scheduler's accounting makes it read a hair above the cap at times).`,
        },
        metric("page_with_unconfined_hog", unconfined, `For comparison: the same ${SPINNERS} spinners on the host, outside any cgroup — what one sandbox could do to the app before sandboxes had a CPU share.`),
        ratio("page_with_unconfined_hog_vs_idle", unconfined, "p50 with the unconfined hog over p50 idle, same run.", null),
      ],
    };
  } finally {
    for (const h of hogs) h.kill("SIGKILL");
    server?.kill("SIGTERM");
    await provider.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(sandboxDir, { recursive: true, force: true });
  }
}
