// The security spine's cost: in-process per request (route() around the real POST /api/preferences
// handler vs. a bare handler doing the same JSON work), and over HTTP (bench/_spine-http.ts).
import { log, machine, median, percentile, stubServerOnly, type BenchResult, type Metric } from "./lib";
import { overHttp } from "./_spine-http";

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

export async function run(): Promise<BenchResult> {
  const date = new Date().toISOString();
  const metrics = [...(await inProcess()), ...(await overHttp())];
  return { name: "spine", machine: machine(), date, metrics };
}
