import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { play, sendError } from "./respond";
import { ScriptQueue, type Outcome, type RecordedRequest, type ScriptEntry } from "./state";

/**
 * A fake OpenAI-compatible server on 127.0.0.1 for tests: `POST /v1/chat/completions` (streamed or
 * not) answered by scripts, `GET /v1/models`, and every request recorded with its headers and body
 * so tests can check what the provider package really sent (response_format, Authorization).
 *
 * Besides the programmatic API, a control API under `/__fake/` lets a separately spawned fake (see
 * cli.ts) be scripted over HTTP, e.g. by a Playwright test:
 *   POST /__fake/scripts  body: ScriptEntry | ScriptEntry[]   → 204
 *   POST /__fake/models   body: { models: string[] | null }   → 204 (null: /v1/models answers 404)
 *   GET  /__fake/requests                                     → RecordedRequest[] (chat and models only)
 *   POST /__fake/reset                                        → 204 (scripts, rules and requests)
 */

export interface OpenAIFake {
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The OpenAI-style base URL a provider is given: `${url}/v1`. */
  baseUrl: string;
  enqueue(...entries: ScriptEntry[]): void;
  /** Replace every queued script and match rule. */
  setScripts(entries: ScriptEntry[]): void;
  /** What GET /v1/models lists; null makes it answer 404 like a server that cannot list. */
  setModels(models: string[] | null): void;
  requests: RecordedRequest[];
  /** Chat completion requests only, in arrival order. */
  chatRequests(): RecordedRequest[];
  /** Resolves when a request (or the one at that index of `requests`) has ended, with how it ended. */
  settled(request: number | RecordedRequest): Promise<Outcome>;
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}

const json = (res: ServerResponse, status: number, body?: unknown) => {
  if (body === undefined) {
    res.writeHead(status);
    return void res.end();
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

export async function startOpenAIFake(options: { port?: number; models?: string[] } = {}): Promise<OpenAIFake> {
  const scripts = new ScriptQueue();
  const requests: RecordedRequest[] = [];
  const endings = new Map<RecordedRequest, Promise<Outcome>>();
  let models: string[] | null = options.models ?? ["fake-model", "fake-coder"];

  function control(req: IncomingMessage, res: ServerResponse, path: string, body: unknown): void {
    switch (`${req.method} ${path}`) {
      case "POST /__fake/scripts": {
        const entries = Array.isArray(body) ? body : [body];
        if (entries.some((e) => typeof e !== "object" || e === null)) return json(res, 400, { error: "expected a script or an array of scripts" });
        scripts.add(entries as ScriptEntry[]);
        return json(res, 204);
      }
      case "POST /__fake/models":
        models = (body as { models?: string[] | null } | undefined)?.models ?? null;
        return json(res, 204);
      case "GET /__fake/requests":
        return json(res, 200, requests);
      case "POST /__fake/reset":
        scripts.reset();
        requests.length = 0;
        return json(res, 204);
      default:
        return json(res, 404, { error: `no control route ${req.method} ${path}` });
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      const body = parseJson(await readBody(req));
      if (path.startsWith("/__fake/")) return control(req, res, path, body);

      const record: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, body, outcome: "pending" };
      requests.push(record);
      // Servers are mounted at /v1 or at the root; accept both, as llama.cpp and vLLM do.
      const route = path.replace(/^\/v1(?=\/)/, "");
      if (req.method === "GET" && route === "/models") {
        record.outcome = "finished";
        if (models === null) return sendError(res, 404, "this server cannot list models");
        return json(res, 200, { object: "list", data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })) });
      }
      if (req.method === "POST" && route === "/chat/completions") {
        const script = scripts.take(body);
        record.script = script?.kind ?? "none";
        const ending = play(res, body, script).then((outcome) => (record.outcome = outcome));
        endings.set(record, ending);
        return void (await ending);
      }
      record.outcome = "finished";
      sendError(res, 404, `openai-fake: no route ${req.method} ${path}`);
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    enqueue: (...entries) => scripts.add(entries),
    setScripts(entries) {
      scripts.reset();
      scripts.add(entries);
    },
    setModels(list) {
      models = list;
    },
    chatRequests: () => requests.filter((r) => r.path.endsWith("/chat/completions")),
    settled(request) {
      const record = typeof request === "number" ? requests[request] : request;
      if (!record) return Promise.reject(new Error(`no request #${String(request)} (have ${requests.length})`));
      return endings.get(record) ?? Promise.resolve(record.outcome);
    },
    reset() {
      scripts.reset();
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep connections alive, and "hang" scripts never end on their own.
        server.closeAllConnections();
      });
    },
  };
}
