// bench:memory — the server's resident memory (RSS of the scripts/serve.ts process, the production
// build over HTTP) while sandboxed code and clients try to make it hold data:
//   (a) idle, after a warm-up;
//   (b) a Python run printing 1.5 GB (1,500 lines of 1 MiB) through POST /api/sandbox to a client
//       reading at 50 KB/s, sampled until the run is over on the server (a second run of the same
//       project waits for it, so its answer marks the end);
//   (c) 12 parallel clients fetching a 60 MiB response from a server-style preview (a Node server
//       started by a Python project, reached through the relay's unix socket).
// RSS is read from /proc/<pid>/status every 50 ms. Sandboxed processes are not the server's: their
// memory is capped by the sandbox's own limits and is not counted here.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { log, machine, median, percentile, ROOT, type BenchResult, type Metric } from "./lib";

const PORT = 3413;
const BASE = `http://127.0.0.1:${PORT}`;
const HEADERS = { origin: BASE, "content-type": "application/json" };
const ROUNDS = 3;
const MIB = 1024 * 1024;
const FLOOD_READ_RATE = 50_000;
const PREVIEW_CLIENTS = 12;
const PREVIEW_BYTES = 60 * MIB;
const TAIL_BYTES = 256 * 1024;

const FLOOD = `import sys
line = "x" * (1024 * 1024 - 1) + "\\n"
for _ in range(1500):
    sys.stdout.write(line)
`;

// The Python template starts the entry file for a server-style project; it hands over to Node.
const SERVER_MAIN = `import os
os.execv("/usr/bin/node", ["node", "server.js"])
`;
const SERVER_JS = `const http = require("node:http");
const block = Buffer.alloc(64 * 1024, 120);
const total = ${PREVIEW_BYTES};
http.createServer((req, res) => {
  if (req.url !== "/big") return res.end("ok");
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": total });
  let sent = 0;
  const more = () => {
    while (sent < total) {
      sent += block.length;
      if (!res.write(block)) return res.once("drain", more);
    }
    res.end();
  };
  more();
}).listen(8000, "127.0.0.1");
`;

const state = (files: { path: string; content: string }[], port: number | null) => ({
  template: "python",
  files,
  entry: "main.py",
  dependencies: { npm: [], pip: [] },
  port,
});

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Samples the server's RSS every 50 ms until stopped. */
function sample(pid: number): { stop: () => number[] } {
  const values: number[] = [rssMb(pid)];
  const timer = setInterval(() => values.push(rssMb(pid)), 50);
  return {
    stop() {
      clearInterval(timer);
      values.push(rssMb(pid));
      return values;
    },
  };
}

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

async function createProject(id: string): Promise<void> {
  const res = await fetch(`${BASE}/api/projects`, { method: "POST", headers: HEADERS, body: JSON.stringify({ id, title: id }) });
  if (!res.ok && res.status !== 409) throw new Error(`creating ${id}: ${res.status} ${await res.text()}`);
}

/** POST /api/sandbox read in full; the NDJSON lines. */
async function runToEnd(projectId: string, runState: unknown): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${BASE}/api/sandbox`, { method: "POST", headers: HEADERS, body: JSON.stringify({ projectId, state: runState }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`run of ${projectId}: ${res.status} ${text}`);
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** POST /api/sandbox over a raw socket read at `rate` bytes per second until finish(). */
function slowRun(projectId: string, runState: unknown, rate: number) {
  const body = JSON.stringify({ projectId, state: runState });
  const socket = net.connect(PORT, "127.0.0.1");
  // Paused mode: the socket reads from the kernel only up to its high-water mark, then waits for
  // the reads below, so the connection's window closes as a slow reader's would.
  socket.on("readable", () => {});
  socket.write(
    `POST /api/sandbox HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\nOrigin: ${BASE}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const parts: Buffer[] = [];
  let received = 0;
  const timer = setInterval(() => {
    let budget = rate / 10;
    while (budget > 0 && socket.readableLength > 0) {
      const chunk = socket.read(Math.min(budget, socket.readableLength)) as Buffer | null;
      if (!chunk) break;
      parts.push(chunk);
      received += chunk.length;
      budget -= chunk.length;
    }
  }, 100);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    received: () => received,
    /** Reads the rest at full speed; the body's last NDJSON line. */
    async finish(): Promise<Record<string, unknown> | undefined> {
      clearInterval(timer);
      // Only the end matters, and the rest may be hundreds of MB: keep a tail.
      const recent = [...parts];
      let recentBytes = recent.reduce((n, b) => n + b.length, 0);
      socket.on("data", (chunk: Buffer) => {
        recent.push(chunk);
        recentBytes += chunk.length;
        while (recent.length > 1 && recentBytes - recent[0]!.length >= TAIL_BYTES) recentBytes -= recent.shift()!.length;
      });
      socket.removeAllListeners("readable");
      socket.resume();
      await closed;
      // Chunked transfer coding between the lines: JSON never holds a raw CRLF, so every
      // "CRLF hex-size CRLF" is framing, and the body ends with "CRLF 0 CRLF CRLF".
      const text = Buffer.from(
        Buffer.concat(recent)
          .toString("latin1")
          .replace(/\r\n[0-9a-fA-F]+\r\n/g, "")
          .replace(/\r\n0\r\n\r\n$/, ""),
        "latin1",
      ).toString("utf8");
      const last = text.trimEnd().split("\n").at(-1) ?? "";
      try {
        return JSON.parse(last) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    },
  };
}

async function fetchCounting(url: string): Promise<number> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`);
  let bytes = 0;
  try {
    for await (const chunk of res.body) bytes += (chunk as Uint8Array).byteLength;
  } catch {
    // a cut response: what arrived is what counts
  }
  return bytes;
}

const metric = (id: string, unit: string, values: number[], note: string, target: number | null = null, better: Metric["better"] = "lower"): Metric => ({
  id,
  unit,
  n: values.length,
  p50: median(values),
  p95: percentile(values, 95),
  target,
  better,
  note,
});

export async function run(): Promise<BenchResult> {
  const { ensureBuild } = (await import(path.join(ROOT, "scripts/lib/bootstrap.mjs"))) as { ensureBuild: () => void };
  ensureBuild();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tessera-bench-memory-"));
  let server: ChildProcess | undefined;
  try {
    server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production", HOSTNAME: "127.0.0.1", PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: "error", RATE_LIMIT_SCALE: "100" },
    });
    const pid = server.pid!;
    await waitForHealth(Date.now() + 120_000);

    // Warm-up: every path measured below runs once, so its code is loaded before idle is sampled.
    await createProject("bench-flood");
    await createProject("bench-preview");
    await runToEnd("bench-flood", state([{ path: "main.py", content: "print('warm')\n" }], null));
    const started = await runToEnd("bench-preview", state([{ path: "main.py", content: SERVER_MAIN }, { path: "server.js", content: SERVER_JS }], 8000));
    const result = started.find((l) => l.type === "result") as { result: { url: string } } | undefined;
    if (!result) throw new Error(`the preview project did not start: ${JSON.stringify(started.at(-1))}`);
    const previewUrl = new URL(result.result.url, BASE).href;
    if ((await fetchCounting(previewUrl)) !== 2) throw new Error("the preview's server did not answer");
    await new Promise((r) => setTimeout(r, 2_000));

    // Each round's figures are against the idle RSS measured just before it, in the same run.
    const idleFor = async () => {
      const idle = sample(pid);
      await new Promise((r) => setTimeout(r, 3_000));
      const values = idle.stop();
      idleValues.push(...values);
      return median(values);
    };
    const idleValues: number[] = [];

    const flood = { peak: [] as number[], growth: [] as number[], ratio: [] as number[], read: [] as number[], endedSlow: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      const idle = await idleFor();
      const sampler = sample(pid);
      const began = performance.now();
      const client = slowRun("bench-flood", state([{ path: "main.py", content: FLOOD }], null), FLOOD_READ_RATE);
      // One run per project at a time: this one starts when the flood's run is over on the server.
      await new Promise((r) => setTimeout(r, 1_000));
      await runToEnd("bench-flood", state([{ path: "main.py", content: "print('after')\n" }], null));
      const peak = Math.max(...sampler.stop());
      const read = client.received();
      const last = await client.finish();
      flood.peak.push(peak);
      flood.growth.push(peak - idle);
      flood.ratio.push(peak / idle);
      flood.read.push(read / MIB);
      flood.endedSlow.push((last as { error?: { code?: string } } | undefined)?.error?.code === "unavailable:slow_client" ? 1 : 0);
      log(`memory: flood ${i} (${((performance.now() - began) / 1000).toFixed(1)} s): idle ${idle.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, client read ${(read / MIB).toFixed(2)} MiB at 50 KB/s, last line ${JSON.stringify(last)?.slice(0, 120)}`);
    }

    const preview = { peak: [] as number[], growth: [] as number[], ratio: [] as number[], read: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      const idle = await idleFor();
      const sampler = sample(pid);
      const bytes = await Promise.all(Array.from({ length: PREVIEW_CLIENTS }, () => fetchCounting(`${previewUrl}big`)));
      const peak = Math.max(...sampler.stop());
      const total = bytes.reduce((a, b) => a + b, 0);
      preview.peak.push(peak);
      preview.growth.push(peak - idle);
      preview.ratio.push(peak / idle);
      preview.read.push(total / MIB);
      log(`memory: preview ${i}: idle ${idle.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, clients read ${(total / MIB).toFixed(0)} MiB in all (${bytes.map((b) => (b / MIB).toFixed(0)).join(", ")})`);
    }

    return {
      name: "memory",
      machine: machine(),
      date: new Date().toISOString(),
      metrics: [
        metric("idle_rss", "MB", idleValues, `RSS of the server process (scripts/serve.ts, production build, local sandbox, PGlite), idle: 3 s before each of the ${2 * ROUNDS} rounds below, samples every 50 ms, after a warm-up that ran each path once.`),
        metric(
          "flood_peak_rss",
          "MB",
          flood.peak,
          `Peak RSS while a Python run prints 1,500 lines of 1 MiB (1.5 GB) through POST /api/sandbox to a client reading a raw socket at 50 KB/s, sampled from the request until the run is over on the server (a second run of the project, which waits for it, has answered); one figure per round, ${ROUNDS} rounds.`,
        ),
        metric("flood_growth", "MB", flood.growth, "flood_peak_rss minus the idle RSS measured just before the round. This bench on the code before the bounded stream (eb3753b): 557 → 2,059 MB in the first round (+1.5 GB; later rounds started from the grown heap)."),
        metric("flood_peak_over_idle", "ratio", flood.ratio, "flood_peak_rss / the idle RSS just before the round (before the bounded stream, first round: 3.70)."),
        metric("flood_client_read", "MiB", flood.read, "Bytes the 50 KB/s client had read when the run was over on the server.", null, "higher"),
        metric("flood_ended_slow_client", "count", flood.endedSlow, "1 when the flood's stream ended with the unavailable:slow_client error line (the client could not keep up, so the run was ended); 0 when the run ended first — the Python kernel stops a flood at its source (16 times the output cap) and passes on only the cap.", null, "higher"),
        metric(
          "preview_peak_rss",
          "MB",
          preview.peak,
          `Peak RSS while ${PREVIEW_CLIENTS} parallel clients each GET a 60 MiB response from a server-style preview (Node server in the sandbox → port relay → unix socket → the app's relay), read at full speed; one figure per round, ${ROUNDS} rounds.`,
        ),
        metric("preview_growth", "MB", preview.growth, "preview_peak_rss minus the idle RSS measured just before the round. Before the streamed relay: 592 MB → 1.40 GB in the issue's measurement; this bench on eb3753b: +271 MB over a heap the flood had already grown to 2.08 GB."),
        metric("preview_peak_over_idle", "ratio", preview.ratio, "preview_peak_rss / the idle RSS just before the round (before the streamed relay, in the issue's measurement: 2.4)."),
        metric("preview_clients_read", "MiB", preview.read, `Bytes the ${PREVIEW_CLIENTS} clients read in all per round (${(PREVIEW_CLIENTS * PREVIEW_BYTES) / MIB} MiB when every response arrives whole).`, null, "higher"),
      ],
    };
  } finally {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1_000));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
