import type { PreviewStore } from "./store";

/**
 * DESIGN 4.3: generated code never runs in the app's origin. A preview is served with a CSP
 * `sandbox` directive without allow-same-origin, so the browser gives it an opaque origin: it cannot
 * read the app's cookies or storage, and its requests to the app carry no credentials the app
 * accepts as the user's (Origin: null is refused by the spine). Only the app may frame it.
 */
export function previewHeaders(appOrigin: string): Record<string, string> {
  return {
    "Content-Security-Policy": [
      "sandbox allow-scripts allow-forms allow-modals allow-popups allow-downloads",
      "default-src 'self' data: blob:",
      "script-src 'self' blob:",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${appOrigin}`,
    ].join("; "),
    // Browsers follow frame-ancestors and ignore this when both are present; older ones need it.
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    // The opaque-origin document loads its scripts cross-origin (from origin null): allow that, and
    // nothing else shares this response.
    "Cross-Origin-Resource-Policy": "cross-origin",
    // The page's own scripts load with crossorigin="anonymous" so their errors reach the error
    // reporter with message and stack (opaque-origin pages otherwise see only "Script error.").
    // The token is the credential and it is in the URL: whoever can send this request can already
    // read the response, so allowing any origin to read it discloses nothing new. No credentials.
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
  };
}

const PATH = /^[A-Za-z0-9._/-]{1,512}$/;

/** Answer GET /preview/<token>/<path>; anything unknown is a plain 404 without detail. */
export function servePreview(store: PreviewStore, token: string, path: string, appOrigin: string): Response {
  const preview = store.lookup(token);
  const file = path === "" ? "index.html" : path;
  const entry = preview && PATH.test(file) && !file.split("/").includes("..") ? preview.files.get(file) : undefined;
  if (!entry) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", ...previewHeaders(appOrigin) } });
  return new Response(entry.body as BodyInit, { status: 200, headers: { "content-type": entry.contentType, ...previewHeaders(appOrigin) } });
}
