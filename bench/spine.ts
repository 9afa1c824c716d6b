// The security spine's cost: in-process per request (route() around the real POST /api/preferences
// handler vs. a bare handler doing the same JSON work), and over HTTP against the production build
// (POST /api/preferences vs. a static asset from the same server).
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { log, machine, median, percentile, ROOT, stubServerOnly, type BenchResult, type Metric } from "./lib";

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>;

// ---------------------------------------------------------------------------------------------
// In-process
// ---------------------------------------------------------------------------------------------

const WARMUP_CALLS = 2_000;
const ROUNDS = 5;
const CALLS_PER_ROUND = 5_000; // 25,000 timed calls per handler in all
const PREFERENCES_BODY = { theme: "dark", codeFontSize: 14 };

function preferencesRequest(): Request {
  return new Request("http://127.0.0.1:3000/api/preferences", {
    method: "POST",
    headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json" },
    body: JSON.stringify(PREFERENCES_BODY),
  });
}

/** The same JSON body work without the spine: read and parse the body, answer with JSON. */
const bareHandler: Handler = async (request) => {
  const body: unknown = await request.json();
  return Response.json({ preferences: body });
};

/**
 * Time `calls` individual calls, in µs: from just before the handler is called until its Response
 * promise resolves. Building the Request happens before the clock starts; the status check after.
 */
async function timeCalls(label: string, handler: Handler, calls: number): Promise<number[]> {
  const samples = new Array<number>(calls);
  for (let i = 0; i < calls; i++) {
    const request = preferencesRequest();
    const context = { params: Promise.resolve({}) };
    const t0 = process.hrtime.bigint();
    const response = await handler(request, context);
    const t1 = process.hrtime.bigint();
    if (response.status !== 200) {
      throw new Error(`${label}: call ${i} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    samples[i] = Number(t1 - t0) / 1_000;
  }
  return samples;
}

interface RoundStats {
  p50: number;
  p95: number;
}

async function inProcess(): Promise<Metric[]> {
  // env is read lazily and cached by lib/env.ts: set it before any app module is loaded.
  process.env.RATE_LIMIT_SCALE = "1000000";
  process.env.LOG_LEVEL = "warn";
  stubServerOnly();
  const route = await import("../app/api/preferences/route");
  const POST: Handler = route.POST; // typed, so a change to the spine's signature fails tsc here

  log(`in-process: warm-up ${WARMUP_CALLS.toLocaleString("en-US")} calls each`);
  await timeCalls("spine warm-up", POST, WARMUP_CALLS);
  await timeCalls("bare warm-up", bareHandler, WARMUP_CALLS);

  const spine: RoundStats[] = [];
  const bare: RoundStats[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which handler goes first so drift (GC, JIT, thermal) does not favour one side.
    const order: ["spine" | "bare", Handler][] = [
      ["spine", POST],
      ["bare", bareHandler],
    ];
    if (r % 2) order.reverse();
    for (const [label, handler] of order) {
      const samples = await timeCalls(label, handler, CALLS_PER_ROUND);
      const stats = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
      (label === "spine" ? spine : bare).push(stats);
    }
    log(
      `in-process round ${r + 1}/${ROUNDS}: spine p50 ${spine[r]!.p50.toFixed(1)} µs, bare p50 ${bare[r]!.p50.toFixed(1)} µs`,
    );
  }

  const n = ROUNDS * CALLS_PER_ROUND;
  const how =
    `after ${WARMUP_CALLS.toLocaleString("en-US")} warm-up calls; ${ROUNDS} rounds × ${CALLS_PER_ROUND.toLocaleString("en-US")} calls ` +
    `(spine and bare alternating which goes first), each call timed with process.hrtime.bigint() from the call until the ` +
    `Response promise resolves (Request built before the clock starts; body not read); p50/p95 = median over the rounds ` +
    `of each round's p50/p95.`;
  const request = `POST http://127.0.0.1:3000/api/preferences, Host 127.0.0.1:3000, same Origin, Content-Type application/json, body ${JSON.stringify(PREFERENCES_BODY)}`;
  return [
    {
      id: "spine_inprocess_small_json",
      unit: "µs",
      n,
      p50: median(spine.map((s) => s.p50)),
      p95: median(spine.map((s) => s.p95)),
      target: 100,
      better: "lower",
      note:
        `The real POST handler exported by app/api/preferences/route.ts (route() spine: origin check, capped body read, ` +
        `Zod validation, local auth, in-memory rate limit with RATE_LIMIT_SCALE=1000000, handler, security headers + ` +
        `request id + set-cookie), called in-process under tsx (LOG_LEVEL=warn, server-only stubbed) with ${request} and ` +
        `{ params: Promise.resolve({}) }; ${how}`,
    },
    {
      id: "bare_handler_inprocess",
      unit: "µs",
      n,
      p50: median(bare.map((s) => s.p50)),
      p95: median(bare.map((s) => s.p95)),
      target: null,
      better: "lower",
      note:
        `Baseline: an unwrapped async function doing the same JSON work (await req.json(); Response.json({ preferences: body })), ` +
        `called with the same Request; ${how}`,
    },
    {
      id: "spine_overhead_inprocess",
      unit: "µs",
      n,
      p50: median(spine.map((s, i) => s.p50 - bare[i]!.p50)),
      p95: median(spine.map((s, i) => s.p95 - bare[i]!.p95)),
      target: 100,
      better: "lower",
      note:
        `What the spine adds per request: spine_inprocess_small_json minus bare_handler_inprocess, computed within each ` +
        `round (same run, same process) and then the median over the ${ROUNDS} rounds; p50 = difference of the p50s, ` +
        `p95 = difference of the p95s.`,
    },
  ];
}

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
const POST_BODY = JSON.stringify(PREFERENCES_BODY);

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

async function overHttp(): Promise<Metric[]> {
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

export async function run(): Promise<BenchResult> {
  const date = new Date().toISOString();
  const metrics = [...(await inProcess()), ...(await overHttp())];
  return { name: "spine", machine: machine(), date, metrics };
}
