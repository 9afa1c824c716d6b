import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { guardedLookup, type BaseUrlPolicy } from "./ssrf";

/**
 * The `fetch` handed to a provider that talks to a user-supplied base URL. It is node:http(s)
 * underneath rather than the global fetch because only there can the connection's own DNS lookup be
 * replaced (`lookup`), which is what makes the SSRF check hold against DNS rebinding (see ssrf.ts).
 *
 * Deliberate differences from the global fetch:
 * - Redirects are not followed: a 3xx comes back as is, so a public server cannot bounce the
 *   request (with the user's key) to an internal address.
 * - No compression is asked for (`accept-encoding: identity`), so bodies need no decoding.
 * - Each instance has its own agent, so a socket opened by other code is never reused here.
 */

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError");
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

async function bodyBytes(body: RequestInit["body"]): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return Buffer.from(await new Response(body).arrayBuffer());
}

export function createGuardedFetch(policy: BaseUrlPolicy): typeof fetch {
  const lookup = guardedLookup(policy);
  const agents = { "http:": new http.Agent({ keepAlive: false }), "https:": new https.Agent({ keepAlive: false }) };

  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`unsupported protocol ${url.protocol}`);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);

    const headers = Object.fromEntries(new Headers(init.headers).entries());
    headers["accept-encoding"] = "identity";
    const body = await bodyBytes(init.body);
    if (body) headers["content-length"] = String(body.byteLength);

    return new Promise<Response>((resolve, reject) => {
      const request = (url.protocol === "https:" ? https : http).request(url, {
        method: init.method ?? "GET",
        headers,
        agent: agents[url.protocol as "http:" | "https:"],
        lookup,
      });
      const onAbort = () => request.destroy(abortReason(signal!));
      signal?.addEventListener("abort", onAbort, { once: true });
      request.on("error", (err) => {
        signal?.removeEventListener("abort", onAbort);
        reject(err);
      });
      request.on("response", (res) => {
        res.on("close", () => signal?.removeEventListener("abort", onAbort));
        const status = res.statusCode ?? 502;
        const stream = NULL_BODY_STATUS.has(status) || init.method === "HEAD" ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        if (!stream) res.resume();
        resolve(new Response(stream, { status, statusText: res.statusMessage, headers: toHeaders(res.headers) }));
      });
      request.end(body);
    });
  };
}
