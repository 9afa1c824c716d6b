import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./connect";
import { defaultExecuteScript, handleExecute, handleFiles, handleFilesystemRpc, handleProcessRpc } from "./envd";
import { ENVD_VERSION, HOME, type ExecuteLine, type FakeSandbox, type RecordedRequest, type Surface } from "./state";

/**
 * A fake E2B on 127.0.0.1 for tests: the control-plane REST API (`apiUrl`) and, at one sandbox URL
 * (`sandboxUrl`), envd and the code interpreter. The SDK is pointed here with its own `apiUrl` and
 * `sandboxUrl` options; with `sandboxUrl` set it sends every envd and interpreter request there,
 * telling them apart by path and the `E2b-Sandbox-Id` / `E2b-Sandbox-Port` headers, exactly as E2B's
 * edge proxy does. Debug mode is not used: it skips the REST API entirely.
 */

export interface FakeE2B {
  apiUrl: string;
  sandboxUrl: string;
  apiKey: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  sandboxes: Map<string, FakeSandbox>;
  /** pids that received SendSignal. */
  signalled: number[];
  /** Scripts `/execute`; defaults to {@link defaultExecuteScript}. */
  execute: (code: string) => ExecuteLine[];
  /** A sandbox created behind the adapter's back, e.g. another owner's. */
  seed(options: { metadata: Record<string, string>; templateID?: string }): FakeSandbox;
  requestsTo(surface: Surface, path?: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

const API_ROUTES: [string, RegExp][] = [
  ["sandboxes", /^\/v2\/sandboxes$/],
  ["connect", /^\/v2\/sandboxes\/([^/]+)\/connect$/],
  ["timeout", /^\/sandboxes\/([^/]+)\/timeout$/],
  ["metrics", /^\/sandboxes\/([^/]+)\/metrics$/],
  ["network", /^\/sandboxes\/([^/]+)\/network$/],
  ["one", /^\/sandboxes\/([^/]+)$/],
];

function json(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    return void res.end();
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function surfaceOf(pathname: string): Surface {
  if (pathname === "/execute" || pathname.startsWith("/contexts")) return "jupyter";
  if (pathname === "/files" || pathname === "/health" || /^\/(filesystem\.Filesystem|process\.Process)\//.test(pathname)) return "envd";
  return "api";
}

function newSandbox(body: { templateID?: string; metadata?: Record<string, string>; envVars?: unknown; timeout?: number; network?: unknown; allow_internet_access?: unknown }): FakeSandbox {
  const now = new Date();
  return {
    id: `i${randomBytes(10).toString("hex")}`,
    templateID: body.templateID ?? "base",
    metadata: body.metadata ?? {},
    envVars: body.envVars,
    network: body.network,
    allowInternetAccess: body.allow_internet_access,
    startedAt: now,
    endAt: new Date(now.getTime() + (body.timeout ?? 300) * 1000),
    envdAccessToken: randomBytes(16).toString("hex"),
    killed: false,
    files: new Map(),
    dirs: new Set([HOME]),
    processes: new Map(),
  };
}

function connection(sbx: FakeSandbox) {
  return { sandboxID: sbx.id, templateID: sbx.templateID, clientID: "fake", envdVersion: ENVD_VERSION, envdAccessToken: sbx.envdAccessToken, trafficAccessToken: null, domain: null };
}

function detail(sbx: FakeSandbox) {
  return {
    ...connection(sbx),
    startedAt: sbx.startedAt.toISOString(),
    endAt: sbx.endAt.toISOString(),
    cpuCount: 2,
    memoryMB: 512,
    diskSizeMB: 1024,
    metadata: sbx.metadata,
    state: "running",
  };
}

export async function startFakeE2B(options: { apiKey?: string } = {}): Promise<FakeE2B> {
  const apiKey = options.apiKey ?? `e2b_${randomBytes(20).toString("hex")}`;
  const sandboxes = new Map<string, FakeSandbox>();
  const requests: RecordedRequest[] = [];
  const signalled: number[] = [];
  const fake = { execute: defaultExecuteScript } as Pick<FakeE2B, "execute">;

  const live = (id: string | undefined) => {
    const sbx = id ? sandboxes.get(id) : undefined;
    return sbx && !sbx.killed ? sbx : undefined;
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): Promise<void> {
    if (req.headers["x-api-key"] !== apiKey) {
      // Echoes the key it was given, as a careless upstream might: the adapter must not pass it on.
      return json(res, 401, { code: 401, message: `Invalid API key: ${String(req.headers["x-api-key"])}` });
    }
    const route = API_ROUTES.find(([, re]) => re.test(url.pathname));
    const id = route ? route[1].exec(url.pathname)?.[1] : undefined;
    const sbx = live(id);
    const notFound = () => json(res, 404, { code: 404, message: `sandbox "${id}" not found` });
    const b = (body ?? {}) as Record<string, unknown>;
    switch (`${req.method} ${route?.[0]}`) {
      case "POST sandboxes": {
        const created = newSandbox(b);
        sandboxes.set(created.id, created);
        return json(res, 201, connection(created));
      }
      case "GET sandboxes": {
        // The SDK sends `metadata` as a URL-encoded query string of URL-encoded pairs.
        const filter = new URLSearchParams(url.searchParams.get("metadata") ?? "");
        const wanted = [...filter].map(([k, v]) => [decodeURIComponent(k), decodeURIComponent(v)] as const);
        const listed = [...sandboxes.values()].filter((s) => !s.killed && wanted.every(([k, v]) => s.metadata[k] === v));
        return json(res, 200, listed.map(detail));
      }
      case "GET one":
        return sbx ? json(res, 200, detail(sbx)) : notFound();
      case "DELETE one":
        if (!sbx) return notFound();
        sbx.killed = true;
        for (const p of sbx.processes.values()) p.kill.abort();
        return json(res, 204);
      case "POST connect":
        if (!sbx) return notFound();
        if (typeof b.timeout === "number") sbx.endAt = new Date(Date.now() + b.timeout * 1000);
        return json(res, 200, connection(sbx));
      case "POST timeout":
        if (!sbx) return notFound();
        sbx.endAt = new Date(Date.now() + Number(b.timeout) * 1000);
        return json(res, 204);
      case "PUT network":
        if (!sbx) return notFound();
        sbx.network = b;
        return json(res, 204);
      case "GET metrics":
        if (!sbx) return notFound();
        return json(res, 200, [
          { timestamp: new Date().toISOString(), timestampUnix: Math.floor(Date.now() / 1000), cpuCount: 2, cpuUsedPct: 12.5, memUsed: 64 * 1024 * 1024, memTotal: 512 * 1024 * 1024, diskUsed: 10 * 1024 * 1024, diskTotal: 1024 * 1024 * 1024 },
        ]);
      default:
        return json(res, 404, { code: 404, message: `no route ${req.method} ${url.pathname}` });
    }
  }

  async function sandboxSide(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer, surface: Surface): Promise<void> {
    const sbx = live(req.headers["e2b-sandbox-id"] as string | undefined);
    // E2B's edge answers 502 for a sandbox that is gone; the SDK maps that to a timeout error.
    if (!sbx) return json(res, 502, { code: 502, message: "The sandbox was not found" });
    if (req.headers["x-access-token"] !== sbx.envdAccessToken) return json(res, 401, { code: 401, message: "invalid access token" });
    const expectedPort = surface === "jupyter" ? "49999" : "49983";
    if (req.headers["e2b-sandbox-port"] !== expectedPort) return json(res, 502, { code: 502, message: "nothing listens on that port" });

    if (url.pathname === "/health") return json(res, 204);
    if (url.pathname === "/files") return handleFiles(req, res, url, raw, sbx);
    if (url.pathname === "/execute") {
      const { code } = JSON.parse(raw.toString("utf8")) as { code: string };
      return handleExecute(res, fake.execute(code));
    }
    const [, service, method] = url.pathname.split("/");
    if (service === "filesystem.Filesystem") return handleFilesystemRpc(method ?? "", res, JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>, sbx);
    if (service === "process.Process") return handleProcessRpc(method ?? "", res, raw, sbx, (pid) => signalled.push(pid));
    json(res, 404, { code: 404, message: "not found" });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const raw = await readBody(req);
      const surface = surfaceOf(url.pathname);
      const type = req.headers["content-type"] ?? "";
      let body: unknown;
      try {
        if (type.startsWith("application/connect+json")) body = JSON.parse(raw.subarray(5).toString("utf8"));
        else if (type.startsWith("application/json") && raw.length) body = JSON.parse(raw.toString("utf8"));
      } catch {
        body = undefined;
      }
      requests.push({ surface, method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
      if (surface === "api") await api(req, res, url, body);
      else await sandboxSide(req, res, url, raw, surface);
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { code: 500, message: String(err) });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return Object.assign(fake, {
    apiUrl: base,
    sandboxUrl: base,
    apiKey,
    requests,
    sandboxes,
    signalled,
    seed({ metadata, templateID }: { metadata: Record<string, string>; templateID?: string }) {
      const sbx = newSandbox({ metadata, templateID });
      sandboxes.set(sbx.id, sbx);
      return sbx;
    },
    requestsTo(surface: Surface, path?: string | RegExp) {
      return requests.filter((r) => r.surface === surface && (path === undefined || (typeof path === "string" ? r.path === path : path.test(r.path))));
    },
    close() {
      for (const sbx of sandboxes.values()) for (const p of sbx.processes.values()) p.kill.abort();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK's undici agents keep connections alive; without this close() waits for them.
        server.closeAllConnections();
      });
    },
  });
}
