// The production server: validate configuration, migrate the database, then serve Next's build
// behind a thin HTTP layer that refuses Host names it does not answer to (DESIGN 4.1) and fixes
// X-Forwarded-* before Next sees them (TRUST_PROXY).
import http from "node:http";
import next from "next";
import { authConfigured, configuredModelProviders, env, EnvError, isLoopbackHost } from "../lib/env";
import { migrateDatabase, openDatabase } from "../lib/db/open";
import { endStaleSandboxes, purgeDeletedProjects, purgeSessionRevocations } from "../lib/db/queries/maintenance";
import { bodyDeadlineMs, LARGEST_BODY_BYTES } from "../lib/http/body";
import { clientIpFrom, sanitizeForwardedHeaders } from "../lib/http/forwarded";
import { refuseForeignHost } from "../lib/http/host";
import { createNonce, cspSourcesFromEnv, securityHeaders } from "../lib/http/security-headers";
import { acceptRequestId } from "../lib/request-context";

function fail(message: string): never {
  process.stderr.write(`\n\x1b[31mTessera cannot start.\x1b[0m\n${message}\n\n`);
  process.exit(1);
}

/** A declared body up to this size is read and dropped after an early refusal, so its sender sees the answer. */
const LINGER_BYTES = 64 * 1024 * 1024;
const LINGER_MS = 10_000;

/**
 * Answered before the body is all in. A slow body's 408 (or anything but a size refusal) closes
 * the connection at once. A 413 for a body whose declared length is modest lets the rest of it
 * arrive and be dropped for a few seconds — closing a socket with unread data resets it, and the
 * sender (a browser, a client library) then reports a broken pipe instead of the 413 — and cuts
 * the connection if it is still not in by then.
 */
function answeredEarly(req: http.IncomingMessage, res: http.ServerResponse, status: number): void {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (status !== 413 || !Number.isFinite(declared) || declared > LINGER_BYTES) {
    res.setHeader("connection", "close");
    return;
  }
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.once("end", () => clearTimeout(cut));
  req.once("close", () => clearTimeout(cut));
}

async function main() {
  let config;
  try {
    config = env();
  } catch (err) {
    if (err instanceof EnvError) fail(err.message);
    throw err;
  }

  // Migrate with a connection of our own and close it: PGlite allows one opener per data dir, and
  // the app opens its own once serving.
  try {
    const database = await openDatabase();
    try {
      await migrateDatabase(database);
      // Local sandboxes end with the process that held them; deleted projects past their undo
      // window go now rather than at their owner's next visit, and so do revocations whose tokens
      // have all expired.
      if (!config.E2B_API_KEY) await endStaleSandboxes(database.orm, { provider: "local" });
      await endStaleSandboxes(database.orm);
      await purgeDeletedProjects(database.orm);
      await purgeSessionRevocations(database.orm);
    } finally {
      await database.close();
    }
  } catch (err) {
    const where = config.DATABASE_URL ? "the Postgres database at DATABASE_URL" : `the embedded database under ${config.DATA_DIR}/pglite`;
    fail(`Could not open or migrate ${where}: ${(err as Error).message.split("\n")[0]}`);
  }

  const app = next({ dev: false, dir: process.cwd(), hostname: config.HOSTNAME, port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const sources = cspSourcesFromEnv(config);
  const timeouts: http.ServerOptions = {
    // Every header must be in within 10 s of a request's first byte (a browser sends them in one
    // packet); a whole request within the spine's longest body deadline, plus room. The spine cuts
    // slow bodies far sooner and counts them (lib/http/body.ts); this is the backstop for what
    // never reaches it (a page, which takes no body). Checked every 2 s, not Node's default 30.
    headersTimeout: 10_000,
    requestTimeout: bodyDeadlineMs(LARGEST_BODY_BYTES) + 10_000,
    connectionsCheckingInterval: 2_000,
  };
  const server = http.createServer(timeouts, (req, res) => {
    const encrypted = "encrypted" in req.socket;
    sanitizeForwardedHeaders(req.headers, { remoteAddress: req.socket.remoteAddress, encrypted }, config.TRUST_PROXY);
    // Baseline headers for responses neither proxy.ts nor the spine produce (Next's own 405s,
    // framework errors). They fill only what a response left unset when its head is written:
    // set up front, Next keeps them over a handler's own (a preview's sandboxing CSP and
    // frame-ancestors would lose to the app's 'none').
    const https = req.headers["x-forwarded-proto"] === "https";
    const baseline = securityHeaders(createNonce(), sources, { https });
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      const given = args.find((a, i) => i > 0 && a !== null && typeof a === "object") as Record<string, unknown> | unknown[] | undefined;
      const named = new Set(Array.isArray(given) ? given.filter((_, i) => i % 2 === 0).map((n) => String(n).toLowerCase()) : Object.keys(given ?? {}).map((n) => n.toLowerCase()));
      if (!res.headersSent) for (const [name, value] of Object.entries(baseline)) if (!res.hasHeader(name) && !named.has(name.toLowerCase())) res.setHeader(name, value);
      if (!res.headersSent && !req.complete) answeredEarly(req, res, Number(args[0]));
      return writeHead(...args);
    }) as typeof res.writeHead;
    // One id per request from here on: proxy.ts and the spine accept the one set here.
    const requestId = acceptRequestId(req.headers["x-request-id"] as string | undefined);
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    // Before anything else: pages, API, previews, static files and Next's own 404s alike.
    const path = (req.url ?? "/").split("?")[0]!;
    const clientIp = clientIpFrom((req.headers["x-forwarded-for"] as string | undefined) ?? null, config.TRUST_PROXY);
    const misdirected = refuseForeignHost(req.headers.host, { requestId, method: req.method ?? "GET", path, clientIp }, config);
    if (misdirected) {
      res.writeHead(misdirected.status, { "content-type": misdirected.contentType, "cache-control": "no-store" });
      res.end(misdirected.body);
      return;
    }
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOSTNAME, resolve);
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE") fail(`Port ${config.PORT} on ${config.HOSTNAME} is already in use. Stop the other server or set PORT.`);
    fail(`Could not listen on ${config.HOSTNAME}:${config.PORT}: ${err.message}`);
  });

  const host = config.HOSTNAME.includes(":") ? `[${config.HOSTNAME}]` : config.HOSTNAME;
  const providers = configuredModelProviders(config);
  const lines = [
    `Tessera is running at \x1b[1mhttp://${host}:${config.PORT}\x1b[0m`,
    `  sandbox     ${config.E2B_API_KEY ? `E2B${config.E2B_DOMAIN ? ` (${config.E2B_DOMAIN})` : ""}` : "local (bubblewrap)"}`,
    `  database    ${config.DATABASE_URL ? "Postgres (DATABASE_URL)" : `PGlite, embedded (${config.DATA_DIR}/pglite)`}`,
    `  auth        ${
      authConfigured(config)
        ? `Supabase (${new URL(config.NEXT_PUBLIC_SUPABASE_URL!).host}), sign-in required`
        : `local single user${isLoopbackHost(config.HOSTNAME) ? " (loopback only)" : " — WARNING: anyone who can reach this address is that user (ALLOW_UNAUTHENTICATED_NETWORK=1)"}`
    }`,
    `  rate limits in-memory`,
    `  models      ${providers.length ? providers.join(", ") : "none configured: examples only (set OPENAI_API_KEY, OLLAMA_BASE_URL, … see README)"}`,
  ];
  process.stdout.write(lines.join("\n") + "\n");

  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal}: shutting down…\n`);
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err) => fail((err as Error).stack ?? String(err)));
