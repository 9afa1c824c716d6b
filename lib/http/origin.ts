import { AppError } from "../errors";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isStateChanging(method: string): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase());
}

/**
 * CSRF defence for state-changing methods. A browser always sends Origin on such requests; it must
 * be our own origin or one the operator allowed. `Origin: null` (sandboxed frames, file: pages,
 * some redirects) is refused: previews run in exactly such frames. With no Origin at all, the
 * Fetch Metadata header decides; a request with neither is not from a browser and so cannot
 * carry a victim's ambient credentials.
 */
export function checkOrigin(request: Request, allowed: { appUrl?: string; allowedOrigins: string[] }): void {
  if (!isStateChanging(request.method)) return;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (origin === "null") throw new AppError("forbidden:csrf", "Requests from an opaque origin (Origin: null) are not accepted.");
    const own = ownOrigin(request);
    if (origin === own || origin === allowed.appUrl || allowed.allowedOrigins.includes(origin)) return;
    throw new AppError("forbidden:csrf", "Cross-origin request refused: the Origin header does not match this site.");
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden:csrf", "Cross-site request refused.");
  }
}

/** The origin the browser used to reach us: scheme from the (sanitized) URL, host from Host. */
export function ownOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  return `${url.protocol}//${host}`;
}
