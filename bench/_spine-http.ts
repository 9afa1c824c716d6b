// The spine over HTTP against the production build: POST /api/preferences vs a static asset from the
// same server, alternating rounds, ratio from the same run. Used by bench/spine.ts.
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { log, median, percentile, ROOT, type Metric } from "./lib";
// ---------------------------------------------------------------------------------------------
// HTTP against the production build
// ---------------------------------------------------------------------------------------------

const PORT = 3300;
const BASE = `http://127.0.0.1:${PORT}`;
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 5;
const HTTP_ROUNDS = 3;
const READY_TIMEOUT_MS = 60_000;
const POST_BODY = JSON.stringify({ theme: "dark", codeFontSize: 14 });

interface Server {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function startServer(dataDir: string): Promise<Server> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("No production build: .next/BUILD_ID is missing. Run `npm run build` first, then rerun the benchmark.");
  }
  if (await portInUse(PORT)) {
    throw new Error(`Port ${PORT} on 127.0.0.1 is already in use; stop whatever listens there and rerun.`);
  }

  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      RATE_LIMIT_SCALE: "1000000",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group, so stopping it also stops anything it started.
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn the server (node --import tsx scripts/serve.ts)");

  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  // Never leave the server behind, whatever way this process ends.
  const onExit = () => {
    if (running()) killGroup("SIGKILL");
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const stop = async () => {
    if (running()) {
      killGroup("SIGTERM");
      const gone = await Promise.race([exited.then(() => true), sleep(7_000).then(() => false)]);
      if (!gone) {
        killGroup("SIGKILL");
        await exited;
      }
    }
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };

  const server: Server = { child, output: () => output, stop };
  try {
    const started = Date.now();
    let last = "no answer";
    for (;;) {
      if (!running()) throw new Error(`the server exited (code ${child.exitCode ?? child.signalCode}) before answering`);
      try {
        const res = await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
        last = `status ${res.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() - started > READY_TIMEOUT_MS) {
        throw new Error(`GET ${BASE}/api/health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`);
      }
      await sleep(250);
    }
    log(`server ready on ${BASE} after ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
  } catch (err) {
    await stop();
    throw new Error(
      `${(err as Error).message}\n--- server output (tail) ---\n${output.trim() || "(none)"}\n---\n` +
        "If another build is running (`next build` replaces .next), wait for it to finish and rerun.",
    );
  }
  return server;
}

/** The first script chunk the home page references; /favicon.svg if there is none. */
async function pickStaticAsset(): Promise<string> {
  const html = await (await fetch(`${BASE}/`)).text();
  const found = /\/_next\/static\/[^"'\s<>\\]+?\.js/.exec(html)?.[0] ?? "/favicon.svg";
  const res = await fetch(`${BASE}${found}`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`static asset ${found} answered ${res.status}`);
  if (!res.headers.has("x-request-id")) log(`warning: ${found} has no x-request-id header; proxy.ts may not have run for it`);
  return found;
}

interface Load {
  label: string;
  path: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

async function cannon(load: Load, seconds: number): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `${BASE}${load.path}`,
    method: load.method,
    headers: load.headers,
    body: load.body,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
  });
  const answered = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  if (answered === 0 || result["2xx"] < answered / 2 || result.errors > answered / 2) {
    throw new Error(
      `${load.label}: ${load.method} ${load.path} mostly failed — 2xx ${result["2xx"]}, non-2xx ${result.non2xx} ` +
        `(4xx ${result["4xx"]}, 5xx ${result["5xx"]}), errors ${result.errors}, timeouts ${result.timeouts}`,
    );
  }
  if (result.non2xx > 0 || result.errors > 0) {
    log(`warning: ${load.label} had ${result.non2xx} non-2xx responses and ${result.errors} errors out of ${answered}`);
  }
  return result;
}

export async function overHttp(): Promise<Metric[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tessera-bench-"));
  let server: Server | undefined;
  try {
    server = await startServer(dataDir);
    const asset = await pickStaticAsset();
    const post: Load = {
      label: "post",
      path: "/api/preferences",
      method: "POST",
      headers: { origin: BASE, "content-type": "application/json" },
      body: POST_BODY,
    };
    const staticAsset: Load = { label: "static", path: asset, method: "GET" };

    log(`http: warm-up ${WARMUP_SECONDS} s each (POST /api/preferences, GET ${asset})`);
    await cannon(post, WARMUP_SECONDS);
    await cannon(staticAsset, WARMUP_SECONDS);

    const postRps: number[] = [];
    const staticRps: number[] = [];
    for (let r = 0; r < HTTP_ROUNDS; r++) {
      const p = await cannon(post, ROUND_SECONDS);
      postRps.push(p.requests.average);
      const s = await cannon(staticAsset, ROUND_SECONDS);
      staticRps.push(s.requests.average);
      log(
        `http round ${r + 1}/${HTTP_ROUNDS}: post ${p.requests.average.toFixed(0)} req/s (latency p50 ${p.latency.p50} ms), ` +
          `static ${s.requests.average.toFixed(0)} req/s (latency p50 ${s.latency.p50} ms)`,
      );
    }

    const load = `autocannon, ${CONNECTIONS} connections, pipelining 1, against the production build served by \`node --import tsx scripts/serve.ts\` on ${BASE} (NODE_ENV=production, LOG_LEVEL=warn, RATE_LIMIT_SCALE=1000000, fresh DATA_DIR), load generator in the same machine; after a ${WARMUP_SECONDS} s warm-up of each, ${HTTP_ROUNDS} alternating rounds of ${ROUND_SECONDS} s (post, static, post, static, …); req/s = autocannon's mean of per-second request counts in a round; p50/p95 over the ${HTTP_ROUNDS} rounds.`;
    const ratios = postRps.map((p, i) => p / staticRps[i]!);
    return [
      {
        id: "http_post_json_rps",
        unit: "req/s",
        n: HTTP_ROUNDS,
        p50: median(postRps),
        p95: percentile(postRps, 95),
        target: null,
        better: "higher",
        note: `POST /api/preferences with Origin ${BASE}, Content-Type application/json, body ${POST_BODY} (200 checked); ${load}`,
      },
      {
        id: "http_static_asset_rps",
        unit: "req/s",
        n: HTTP_ROUNDS,
        p50: median(staticRps),
        p95: percentile(staticRps, 95),
        target: null,
        better: "higher",
        note: `GET ${asset} (the first /_next/static/…js the home page references, else /favicon.svg), served by the same server through proxy.ts; ${load}`,
      },
      {
        id: "http_post_to_static_ratio",
        unit: "ratio",
        n: HTTP_ROUNDS,
        p50: median(postRps) / median(staticRps),
        p95: percentile(ratios, 95),
        target: 0.85,
        better: "higher",
        note:
          `median http_post_json_rps / median http_static_asset_rps, measured in the same run (p95 = p95 of the per-round ` +
          `post/static ratios). API routes in Tessera bypass proxy.ts on purpose (Next buffers the whole request body for ` +
          `the proxy, which would defeat the spine's streamed body cap) and get the same headers from the spine, while the ` +
          `static asset does pass through proxy.ts. ${load}`,
      },
    ];
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

