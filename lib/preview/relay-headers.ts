import type { IncomingHttpHeaders } from "node:http";

/**
 * What crosses the relay between the browser and a server running in a sandbox: an allowlist each
 * way, so a header nobody thought of stays out by default.
 *
 * The response comes from hostile code but is served from the app's own origin (or PREVIEW_ORIGIN),
 * so anything the browser acts on for the whole origin must never pass: Clear-Site-Data (it wiped
 * the app's cookies and storage), Set-Cookie, Refresh, Link (preloads, and Link-borne CSP),
 * NEL / Report-To / Reporting-Endpoints, Alt-Svc, Service-Worker-Allowed, Origin-Agent-Cluster,
 * Permissions-Policy, Access-Control-*, Strict-Transport-Security, WWW-Authenticate (a credentials
 * prompt inside the app's page), and the app's own security headers, which previewHeaders() sets.
 *
 * Passed on: what the browser needs to use a body — its type and language, how to save it, byte
 * ranges (media seeking), validators (ETag, Last-Modified), Retry-After and Allow on errors.
 * Not passed: Cache-Control, Expires and Vary (every preview response is no-store, so no cache ever
 * keys or keeps it); Content-Length and Content-Encoding (Next frames the body itself and drops
 * both from a route's response; the relay asks for an unencoded body and decodes one sent anyway,
 * counting the decoded bytes against the cap); Location unless it stays on the preview's own path.
 */

const PASS_RESPONSE = ["content-type", "content-language", "accept-ranges", "content-range", "etag", "last-modified", "retry-after", "allow"] as const;

/**
 * What the browser says about the request it wants answered. Never: cookies, Authorization, the
 * Referer (it holds the capability URL), Origin, X-Forwarded-*, the request id, hop-by-hop headers.
 */
const PASS_REQUEST = new Set(["accept", "accept-language", "cache-control", "content-type", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "pragma", "range", "user-agent"]);

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\]*"))*\\s*$`);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const SANDBOX_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]);

/** Headers for the request to the sandbox's server, from the browser's. */
export function upstreamRequestHeaders(incoming: Headers): Record<string, string> {
  // The sandbox's server sees itself addressed as localhost, and is asked for an unencoded body.
  const out: Record<string, string> = { host: "localhost", "accept-encoding": "identity" };
  incoming.forEach((value, name) => {
    if (PASS_REQUEST.has(name)) out[name] = value;
  });
  return out;
}

export interface ResponseHeadersInput {
  status: number;
  headers: IncomingHttpHeaders;
  /** The request's path under the preview, to resolve a relative Location against. */
  path: string;
  /** Where the preview lives: `/preview/<token>/`. */
  prefix: string;
}

/** The allowlisted upstream headers, set on `out` (which already holds the preview's own). */
export function copyResponseHeaders(out: Headers, { status, headers, path, prefix }: ResponseHeadersInput): void {
  for (const name of PASS_RESPONSE) {
    const value = single(headers[name]);
    if (value === undefined || out.has(name)) continue;
    if (name === "content-type" && !MEDIA_TYPE.test(value)) continue;
    out.set(name, value);
  }
  const disposition = single(headers["content-disposition"]);
  const safeDisposition = disposition === undefined ? undefined : sanitizeDisposition(disposition);
  if (safeDisposition) out.set("content-disposition", safeDisposition);
  const location = single(headers.location);
  if (location !== undefined && REDIRECTS.has(status)) {
    const kept = previewLocation(location, path, prefix);
    if (kept) out.set("location", kept);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A redirect is passed on only when it points back into the sandbox's own server (a relative URL,
 * or an absolute one naming the sandbox's loopback), rewritten to the same path under the preview.
 * Anything else would send the preview's frame to another site under the app's name.
 */
export function previewLocation(location: string, path: string, prefix: string): string | undefined {
  let url: URL;
  try {
    url = new URL(location, `http://localhost/${path}`);
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !SANDBOX_HOSTS.has(url.hostname) || url.username || url.password) return undefined;
  return `${prefix}${url.pathname.slice(1)}${url.search}${url.hash}`;
}

/**
 * `inline` or `attachment`, with a file name reduced to a plain base name (letters, digits and
 * `._ -`; the rest become `_`): an ASCII `filename` and, for other letters, an RFC 8187 `filename*`.
 * Anything else (an unknown type, parameters a browser might read differently) is dropped.
 */
export function sanitizeDisposition(value: string): string | undefined {
  const type = /^\s*(inline|attachment)\s*(?:;|$)/i.exec(value)?.[1]?.toLowerCase();
  if (!type) return undefined;
  const raw = fileNameOf(value);
  const base = raw?.split(/[\\/]/).pop() ?? "";
  const name = base
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}._ -]/gu, "_")
    .replace(/^[.\s]+/, "")
    .slice(0, 120)
    .trim();
  if (!name) return type;
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, "_");
  return ascii === name ? `${type}; filename="${ascii}"` : `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function fileNameOf(value: string): string | undefined {
  const extended = /;\s*filename\*\s*=\s*utf-8'[^']*'([^;\s]+)/i.exec(value)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended);
    } catch {
      // malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /;\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(value);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2];
}
