// The local sandbox's latency and footprint on real bubblewrap: create → first exec cold and from
// the warm pool, the warm runCode round trip, and the memory of idle sandboxes.
import { rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { log, machine, median, percentile, ROOT, stubServerOnly, type BenchResult, type Metric } from "./lib";
import { sandboxTempDir } from "../tests/support/sandbox";

const WARM_EXEC_N = 50;
const COLD_N = 10;
const IDLE_N = 50;

/**
 * A health endpoint served by the same process that hosts the sandboxes (as the app does), polled
 * on one keep-alive connection before and during five concurrent attacks.
 */
async function healthUnderAttack(provider: {
  create(o: { template: string; ownerId: string; projectId: string; limits?: Record<string, number> }): Promise<{
    commands: { run(argv: string[], o?: { timeoutMs?: number }): Promise<unknown> };
    kill(): Promise<void>;
  }>;
}): Promise<Metric[]> {
  const server = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"live":true}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const poll = async (durationMs: number): Promise<number[]> => {
    const samples: number[] = [];
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: "/api/health", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve());
        }).on("error", reject);
      });
      samples.push(ms(t0));
      await new Promise((r) => setTimeout(r, 20));
    }
    return samples;
  };
  try {
    await poll(1_000);
    const baseline = await poll(3_000);
    const limits = { cpuSeconds: 5, commandTimeoutMs: 8_000, memoryBytes: 256 * 1024 * 1024, diskBytes: 64 * 1024 * 1024 };
    const attacks = [
      ["/bin/sh", "-c", "bomb() { bomb | bomb & }; bomb; sleep 5"],
      ["/usr/bin/python3", "-c", "x = []\nwhile True: x.append(bytearray(16 * 1024 * 1024))"],
      ["/usr/bin/python3", "-c", "while True: pass"],
      ["/bin/sh", "-c", "yes flood"],
      ["/bin/sh", "-c", "i=0; while true; do head -c 8388608 /dev/zero > /workspace/f$i || break; i=$((i+1)); done"],
    ];
    const sandboxes = await Promise.all(attacks.map((_, i) => provider.create({ template: "python", ownerId: "attacker", projectId: `a${i}`, limits })));
    const running = Promise.all(sandboxes.map((s, i) => s.commands.run(attacks[i]!, { timeoutMs: 8_000 })));
    const during = await poll(6_000);
    await running;
    await Promise.all(sandboxes.map((s) => s.kill()));
    const note =
      "GET /api/health on a keep-alive connection every 20 ms, served by the process hosting the sandboxes; baseline 3 s idle vs 6 s while five sandboxes run a fork bomb, a memory bomb, a CPU spin, an output flood and a disk fill at once";
    return [
      { id: "health_latency_baseline", unit: "ms", n: baseline.length, p50: median(baseline), p95: percentile(baseline, 95), target: null, better: "lower", note },
      { id: "health_latency_under_attack", unit: "ms", n: during.length, p50: median(during), p95: percentile(during, 95), target: null, better: "lower", note },
      {
        id: "health_latency_attack_ratio",
        unit: "ratio",
        n: during.length,
        p50: median(during) / median(baseline),
        p95: percentile(during, 95) / percentile(baseline, 95),
        target: 2,
        better: "lower",
        note: `under-attack latency divided by baseline latency (p50 by p50, p95 by p95), same run; ${note}`,
      },
    ];
  } finally {
    agent.destroy();
    server.close();
  }
}

const REACT_N = 20;

/** A completed React fragment → built in its sandbox → published → index.html and app.js served. */
async function reactBuildToServed(provider: { create(o: { template: string; ownerId: string; projectId: string }): Promise<import("../lib/sandbox/types").Sandbox> }): Promise<Metric> {
  const { PreviewStore } = await import("../lib/preview/store");
  const { servePreview } = await import("../lib/preview/serve");
  const { buildInSandbox, readTemplateManifest } = await import("../lib/sandbox/templates");
  const manifest = readTemplateManifest(path.join(ROOT, "templates"), "react");
  const store = new PreviewStore();
  const sandbox = await provider.create({ template: "react", ownerId: "bench", projectId: "react" });
  const samples: number[] = [];
  for (let i = 0; i < REACT_N + 2; i++) {
    const app = `import { useState } from "react";\nexport default function App() {\n  const [n, setN] = useState(${i});\n  return <button onClick={() => setN(n + 1)}>Run ${i}: {n}</button>;\n}\n`;
    const t0 = process.hrtime.bigint();
    await sandbox.files.write("src/App.tsx", app);
    const build = await buildInSandbox(sandbox, manifest);
    if (build.exitCode !== 0) throw new Error(`react build failed: ${build.stderr}`);
    const preview = await store.publish(sandbox, "dist");
    for (const file of ["", "app.js"]) {
      const res = servePreview(store, preview.token, file, "http://127.0.0.1:3000");
      if (res.status !== 200) throw new Error(`preview ${file || "index.html"} answered ${res.status}`);
      await res.arrayBuffer();
    }
    if (i >= 2) samples.push(ms(t0));
  }
  await sandbox.kill();
  return {
    id: "react_build_to_served",
    unit: "ms",
    n: samples.length,
    p50: median(samples),
    p95: percentile(samples, 95),
    target: 300,
    better: "lower",
    note: "a changed src/App.tsx written into a running react sandbox → esbuild bundle inside bwrap (templates/react/build.mjs) → dist copied out through the sandbox file API → index.html and app.js served from the preview store; 2 warm-up runs discarded",
  };
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run(): Promise<BenchResult> {
  stubServerOnly();
  const { LocalSandboxProvider } = await import("../lib/sandbox/providers/local/provider");
  const { SandboxPool } = await import("../lib/sandbox/pool");
  const dir = sandboxTempDir("tessera-bench-sbx-");
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
    // As the app's pool warms: the import, then a call that returns once the kernel has taken numpy in.
    const pool = new SandboxPool(provider, {
      size: { python: 1 },
      warm: async (s) => {
        await s.runCode("import numpy as np");
        await s.runCode("pass");
      },
    });
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
      note: "pool.acquire (adopt a warm sandbox: kernel running, numpy in its warm interpreter) + first runCode('print(np.int64(1))'), which runs in a process the kernel forked for it; the pool refilled to 1 before each sample",
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
      note: "runCode('print(1)') on a sandbox whose kernel is already running, after 10 warm-up calls: host → kernel supervisor over stdin → the child it forked ahead runs the code and exits → the supervisor reports on fd 3; every call is its own process",
    });

    metrics.push(await reactBuildToServed(provider));

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

    metrics.push(...(await healthUnderAttack(provider)));
  } finally {
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: "sandbox", machine: machine(), date: new Date().toISOString(), metrics };
}
