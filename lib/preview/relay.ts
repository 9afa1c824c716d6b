import http from "node:http";
import { Readable, Transform, pipeline } from "node:stream";
import { log, securityEvent } from "../log";
import { decoded, streamBody } from "./relay-body";
import { copyResponseHeaders, upstreamRequestHeaders } from "./relay-headers";
import { previewHeaders, servePreview } from "./serve";
import { connectSocketNoFollow, NotASocketError } from "./socket";
import type { PreviewStore } from "./store";

/**
 * Server-style previews: the request goes to the sandbox's server through the relay's unix socket
 * (opened without following symlinks, ./socket.ts). Headers cross by allowlist (./relay-headers.ts):
 * the app's credentials never reach generated code and generated code cannot act on the app's
 * origin; the preview's sandboxing policy replaces its own.
 *
 * Bodies stream through, both ways, and are never collected: what the relay holds for one request
 * is the response stream's high-water mark (64 KiB) plus a chunk, whatever the body's size, and a
 * slow browser slows the sandbox's server down instead of filling the host's memory. A response
 * past `maxResponseBytes` is cut (the connection closes) and logged; a request body past
 * `maxRequestBytes` is refused. Anything that cannot be passed on as HTTP — a status outside
 * 200–599, an upgrade or an interim status other than 100/103, a malformed answer, no answer
 * within the timeouts — settles as a 502 at once.
 */

export interface RelayLimits {
  /** Body bytes (decoded) passed on per response; past this the response is cut. */
  maxResponseBytes: number;
  /** Request body bytes passed to the sandbox per request. */
  maxRequestBytes: number;
  /** The sandbox's server must send its status and headers within this. */
  headersTimeoutMs: number;
  /** Longest wait for the server's next bytes while the browser is waiting for them. */
  idleTimeoutMs: number;
  /** Longest one exchange may take, body included. */
  totalTimeoutMs: number;
}

export const RELAY_LIMITS: RelayLimits = {
  // Large enough for the media and bundles a generated app serves; memory does not grow with it.
  maxResponseBytes: 64 * 1024 * 1024,
  maxRequestBytes: 8 * 1024 * 1024,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  totalTimeoutMs: 5 * 60_000,
};

const NO_BODY_STATUS = new Set([204, 205, 304]);

export interface RelayTarget {
  socketPath: string;
  /** Where the preview lives (`/preview/<token>/`): redirects are kept under it. */
  prefix: string;
  sandboxId?: string;
}

export function relayPreview(target: RelayTarget, request: Request, path: string, appOrigin: string, limits: RelayLimits = RELAY_LIMITS): Promise<Response> {
  const where = { sandboxId: target.sandboxId, method: request.method };
  const plain = (status: number, text: string) => new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...previewHeaders(appOrigin) } });
  const unavailable = () => plain(502, "The app in the sandbox is not answering.");
  const cannotPass = (what: string) => {
    log().warn({ event: "preview.bad_upstream", what, ...where }, "a preview's server answered something the relay cannot pass on");
    return plain(502, `The app in the sandbox answered with something a preview cannot pass on (${what}).`);
  };
  const tooLargeRequest = () => plain(413, `The request body is larger than the ${limits.maxRequestBytes / 1048576} MiB a preview accepts.`);

  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  const headers = upstreamRequestHeaders(request.headers);
  if (hasBody) {
    const declared = request.headers.get("content-length");
    if (declared !== null) {
      const length = Number(declared);
      if (!Number.isSafeInteger(length) || length < 0) return Promise.resolve(plain(400, "Content-Length is not a valid number."));
      if (length > limits.maxRequestBytes) return Promise.resolve(tooLargeRequest());
      headers["content-length"] = String(length);
    }
  }

  let socket;
  try {
    socket = connectSocketNoFollow(target.socketPath);
  } catch (err) {
    if (err instanceof NotASocketError) {
      securityEvent("sandbox.violation", { reason: "the preview's relay socket was replaced", kind: err.kind, ...where });
    }
    return Promise.resolve(unavailable());
  }
  const connection = socket;

  return new Promise<Response>((resolve) => {
    let settled = false;
    let cutBody: ((reason: string) => void) | undefined;
    const timers: NodeJS.Timeout[] = [];
    const clearTimers = () => timers.forEach(clearTimeout);
    // The route hands over decoded segments; the sandbox's server gets them encoded again.
    const upstreamPath = `/${path.split("/").map(encodeURIComponent).join("/")}${new URL(request.url).search}`;
    let upstream: http.ClientRequest;
    try {
      upstream = http.request({ createConnection: () => connection, method: request.method, path: upstreamPath, headers });
    } catch {
      connection.destroy();
      return resolve(unavailable());
    }
    /** Settle once; later failures cut the body instead (its status is already sent). */
    const settle = (response: Response) => {
      if (settled) return;
      settled = true;
      resolve(response);
    };
    const fail = (response: () => Response, reason: string) => {
      if (settled && cutBody) return cutBody(reason);
      clearTimers();
      if (settled) return;
      upstream.destroy();
      settle(response());
    };
    timers.push(setTimeout(() => fail(unavailable, "total timeout"), limits.totalTimeoutMs));
    const headersTimer = setTimeout(() => fail(unavailable, "headers timeout"), limits.headersTimeoutMs);
    timers.push(headersTimer);
    // Once the answer has started, a browser that leaves cancels the body, which ends the exchange.
    const onClientGone = () => {
      if (!settled) fail(unavailable, "client gone");
    };
    request.signal.addEventListener("abort", onClientGone, { once: true });

    upstream.on("upgrade", (res, upgraded) => {
      upgraded.destroy();
      fail(() => cannotPass(`status ${res.statusCode}`), "upgrade");
    });
    upstream.on("information", (info) => {
      // 100 Continue and 103 Early Hints precede a real answer, which is what is passed on.
      if (info.statusCode !== 100 && info.statusCode !== 103) fail(() => cannotPass(`status ${info.statusCode}`), "interim status");
    });
    upstream.on("error", () => fail(unavailable, "upstream error"));
    upstream.on("close", () => request.signal.removeEventListener("abort", onClientGone));

    upstream.on("response", (res) => {
      clearTimeout(headersTimer);
      const status = res.statusCode ?? 0;
      if (!Number.isInteger(status) || status < 200 || status > 599) return fail(() => cannotPass(`status ${status}`), "status");
      const source = decoded(res);
      if (!source) return fail(() => cannotPass(`content-encoding ${String(res.headers["content-encoding"])}`), "encoding");
      const declared = Number(res.headers["content-length"]);
      if (source === res && Number.isFinite(declared) && declared > limits.maxResponseBytes) {
        log().warn({ event: "preview.cut", reason: "too large", declared, limit: limits.maxResponseBytes, ...where }, "refused a preview response over the size cap");
        return fail(() => plain(502, `The app in the sandbox answered with more than the ${limits.maxResponseBytes / 1048576} MiB a preview response may hold.`), "too large");
      }
      const out = new Headers(previewHeaders(appOrigin));
      copyResponseHeaders(out, { status, headers: res.headers, path, prefix: target.prefix });
      if (request.method === "HEAD" || NO_BODY_STATUS.has(status)) {
        res.resume();
        res.once("end", clearTimers);
        return settle(new Response(null, { status, headers: out }));
      }
      const body = streamBody(source, limits, {
        onEnd: clearTimers,
        onCut: (reason, bytes) => {
          clearTimers();
          upstream.destroy();
          log().warn({ event: "preview.cut", reason, bytes, limit: limits.maxResponseBytes, ...where }, "cut a preview response");
        },
        onCancel: () => {
          clearTimers();
          upstream.destroy();
        },
      });
      cutBody = body.cut;
      settle(new Response(body.stream, { status, headers: out }));
    });

    if (!hasBody) {
      upstream.end();
      return;
    }
    // The browser's body goes to the sandbox as the sandbox reads it, up to the cap.
    let sent = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        if (sent > limits.maxRequestBytes) return done(new Error("request body too large"));
        done(null, chunk);
      },
    });
    pipeline(Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>), cap, upstream, (err) => {
      if (err && sent > limits.maxRequestBytes) fail(tooLargeRequest, "request too large");
      else if (err) fail(unavailable, "request body failed");
    });
  });
}

/** Answer a preview request, static or server-style. */
export async function respondPreview(store: PreviewStore, token: string, path: string, request: Request, appOrigin: string): Promise<Response> {
  const preview = store.lookup(token);
  if (preview?.socketPath) return relayPreview({ socketPath: preview.socketPath, prefix: `/preview/${token}/`, sandboxId: preview.sandboxId }, request, path, appOrigin);
  return servePreview(store, token, path, appOrigin);
}
