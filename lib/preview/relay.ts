import http from "node:http";
import { previewHeaders, servePreview } from "./serve";
import type { PreviewStore } from "./store";

/**
 * Server-style previews: the request goes to the sandbox's server through the relay's unix socket.
 * The app's credentials never reach generated code (cookies and authorization are dropped), and
 * generated code cannot set cookies on the app's origin (Set-Cookie is dropped); its own security
 * headers are replaced by the preview's sandboxing policy.
 */

const DROP_REQUEST = new Set(["cookie", "authorization", "proxy-authorization", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id", "connection", "keep-alive", "upgrade", "te", "trailer", "transfer-encoding", "host"]);
const DROP_RESPONSE = new Set(["set-cookie", "set-cookie2", "content-security-policy", "content-security-policy-report-only", "x-frame-options", "access-control-allow-origin", "access-control-allow-credentials", "strict-transport-security", "connection", "keep-alive", "transfer-encoding"]);
const MAX_BODY = 64 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export function relayPreview(socketPath: string, request: Request, path: string, appOrigin: string): Promise<Response> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { host: "localhost" };
  request.headers.forEach((value, name) => {
    if (!DROP_REQUEST.has(name)) headers[name] = value;
  });
  return new Promise((resolve) => {
    const upstream = http.request(
      { socketPath, method: request.method, path: `/${path}${url.search}`, headers, timeout: TIMEOUT_MS },
      (res) => {
        const out = new Headers(previewHeaders(appOrigin));
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || DROP_RESPONSE.has(name) || out.has(name)) continue;
          out.set(name, Array.isArray(value) ? value.join(", ") : value);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) return upstream.destroy(new Error("preview response too large"));
          chunks.push(chunk);
        });
        res.on("end", () => resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 502, headers: out })));
        res.on("error", () => resolve(unavailable(appOrigin)));
      },
    );
    upstream.on("timeout", () => upstream.destroy(new Error("timeout")));
    upstream.on("error", () => resolve(unavailable(appOrigin)));
    if (request.method !== "GET" && request.method !== "HEAD" && request.body) {
      void request.arrayBuffer().then((b) => upstream.end(Buffer.from(b)), () => upstream.end());
    } else upstream.end();
  });
}

function unavailable(appOrigin: string): Response {
  return new Response("The app in the sandbox is not answering.", { status: 502, headers: { "content-type": "text/plain; charset=utf-8", ...previewHeaders(appOrigin) } });
}

/** Answer a preview request, static or server-style. */
export async function respondPreview(store: PreviewStore, token: string, path: string, request: Request, appOrigin: string): Promise<Response> {
  const preview = store.lookup(token);
  if (preview?.socketPath) return relayPreview(preview.socketPath, request, path, appOrigin);
  return servePreview(store, token, path, appOrigin);
}
