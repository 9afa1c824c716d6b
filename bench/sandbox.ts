// The local sandbox's latency and footprint on real bubblewrap: create → first exec cold and from
// the warm pool, the warm runCode round trip, and the memory of idle sandboxes.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { log, machine, median, percentile, ROOT, stubServerOnly, type BenchResult, type Metric } from "./lib";

const WARM_EXEC_N = 50;
const COLD_N = 10;
const IDLE_N = 50;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run(): Promise<BenchResult> {
  stubServerOnly();
  const { LocalSandboxProvider } = await import("../lib/sandbox/providers/local/provider");
  const { SandboxPool } = await import("../lib/sandbox/pool");
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-bench-sbx-"));
  const provider = new LocalSandboxProvider({
    rootDir: path.join(dir, "sandboxes"),
    templatesDir: path.join(ROOT, "templates"),
    maxPerOwner: IDLE_N + 10,
    maxTotal: IDLE_N + 20,
  });
  const metrics: Metric[] = [];
  try {
    // Cold: a new sandbox, the Python kernel started, numpy imported, one print.
    const cold: number[] = [];
    for (let i = 0; i < COLD_N + 1; i++) {
      const t0 = process.hrtime.bigint();
      const sandbox = await provider.create({ template: "python", ownerId: "bench", projectId: `cold-${i}` });
      const run = await sandbox.runCode("import numpy as np\nprint(1)");
      const elapsed = ms(t0);
      if (run.stdout !== "1\n") throw new Error(`cold run printed ${JSON.stringify(run.stdout)}`);
      if (i > 0) cold.push(elapsed); // the first warms the page cache
      await sandbox.kill();
    }
    metrics.push({
      id: "create_first_exec_cold_numpy",
      unit: "ms",
      n: cold.length,
      p50: median(cold),
      p95: percentile(cold, 95),
      target: 500,
      better: "lower",
      note: "provider.create (dirs, cgroup) + first runCode('import numpy as np; print(1)'), which starts the Python kernel in bwrap; one warm-up run discarded; sandbox killed between runs",
    });

    // From the pool: a warm sandbox (kernel up, numpy imported) handed out, then one print.
    const pool = new SandboxPool(provider, { size: { python: 1 }, warm: async (s) => void (await s.runCode("import numpy as np")) });
    const pooled: number[] = [];
    for (let i = 0; i < COLD_N; i++) {
      while (pool.stats().python! < 1) await new Promise((r) => setTimeout(r, 20));
      const t0 = process.hrtime.bigint();
      const sandbox = await pool.acquire({ template: "python", ownerId: "bench", projectId: `pool-${i}` });
      const run = await sandbox.runCode("print(np.int64(1))");
      pooled.push(ms(t0));
      if (run.stdout !== "1\n") throw new Error(`pooled run printed ${JSON.stringify(run.stdout)}`);
      await sandbox.kill();
    }
    await pool.shutdown();
    metrics.push({
      id: "create_first_exec_pool",
      unit: "ms",
      n: pooled.length,
      p50: median(pooled),
      p95: percentile(pooled, 95),
      target: null,
      better: "lower",
      note: "pool.acquire (adopt a warm sandbox: kernel running, numpy imported) + first runCode('print(np.int64(1))'); the pool refilled to 1 before each sample",
    });

    // Warm round trip.
    const warm = await provider.create({ template: "python", ownerId: "bench", projectId: "warm" });
    for (let i = 0; i < 10; i++) await warm.runCode("print(1)");
    const exec: number[] = [];
    for (let i = 0; i < WARM_EXEC_N; i++) {
      const t0 = process.hrtime.bigint();
      await warm.runCode("print(1)");
      exec.push(ms(t0));
    }
    await warm.kill();
    metrics.push({
      id: "warm_exec_print",
      unit: "ms",
      n: exec.length,
      p50: median(exec),
      p95: percentile(exec, 95),
      target: 30,
      better: "lower",
      note: "runCode('print(1)') on a sandbox whose kernel is already running, after 10 warm-up calls: host → kernel over the stdin/fd3 protocol and back",
    });

    // Idle footprint: 50 sandboxes, each with its Python kernel started and idle.
    const idle = [];
    for (let i = 0; i < IDLE_N; i++) {
      const s = await provider.create({ template: "python", ownerId: "bench", projectId: `idle-${i}` });
      await s.runCode("x = 1");
      idle.push(s);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const memory = await Promise.all(idle.map(async (s) => (await s.metrics()).memoryBytes / (1024 * 1024)));
    const measured = memory.filter((m) => m > 0);
    if (measured.length === 0) log("sandbox: no cgroup memory accounting here; idle RSS not measured");
    else
      metrics.push({
        id: "idle_sandbox_memory",
        unit: "MB",
        n: measured.length,
        p50: median(measured),
        p95: percentile(measured, 95),
        target: 20,
        better: "lower",
        note: `${IDLE_N} sandboxes alive at once, each with its Python kernel started (stdlib only) and idle for 1 s; memory charged to each sandbox's cgroup (RSS + page cache it caused), in MiB`,
      });
    await Promise.all(idle.map((s) => s.kill()));
  } finally {
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  log("sandbox: React build-to-served is not measured yet: the React template and preview serving are not built");
  return { name: "sandbox", machine: machine(), date: new Date().toISOString(), metrics };
}
