import type { Env } from "../env";
import { AppError } from "../errors";
import { servedPortNames } from "./host";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isStateChanging(method: string): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase());
}

type OriginConfig = Pick<Env, "PORT" | "HOSTNAME" | "APP_URL" | "ALLOWED_ORIGINS">;

const cache = new WeakMap<OriginConfig, ReadonlySet<string>>();

/**
 * The origins allowed to make state-changing requests: APP_URL's, ALLOWED_ORIGINS, and the
 * loopback origins of the served port (plus the bound address's, when HOSTNAME is one). Only
 * configuration decides: an origin built from the request's own Host would let any name that
 * reaches this server vouch for itself, which is exactly what a DNS-rebinding page does.
 */
export function allowedOrigins(config: OriginConfig): ReadonlySet<string> {
  let origins = cache.get(config);
  if (!origins) {
    // URL serializes the origin as a browser sends it (no :80 for http). The https form is the
    // same server behind a TLS-terminating proxy on that port: nothing else can answer there.
    const served = servedPortNames(config).flatMap((name) => ["http", "https"].map((scheme) => new URL(`${scheme}://${name}:${config.PORT}`).origin));
    origins = new Set([...served, ...(config.APP_URL ? [config.APP_URL] : []), ...config.ALLOWED_ORIGINS]);
    cache.set(config, origins);
  }
  return origins;
}

/**
 * CSRF defence for state-changing methods. A browser always sends Origin on such requests; it must
 * be one of the configured origins. `Origin: null` (sandboxed frames, file: pages, some redirects)
 * is refused: previews run in exactly such frames. With no Origin at all, the Fetch Metadata header
 * decides; a request with neither is not from a browser and so cannot carry a victim's ambient
 * credentials.
 */
export function checkOrigin(request: Request, allowed: ReadonlySet<string>): void {
  if (!isStateChanging(request.method)) return;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (origin === "null") throw new AppError("forbidden:csrf", "Requests from an opaque origin (Origin: null) are not accepted.");
    if (allowed.has(origin)) return;
    throw new AppError("forbidden:csrf", "Cross-origin request refused: the Origin header is not one of this server's configured origins (APP_URL, ALLOWED_ORIGINS).");
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden:csrf", "Cross-site request refused.");
  }
}

/**
 * The origin the browser used to reach us, for building links in answers (a share URL, a preview's
 * frame-ancestors) when APP_URL is unset: scheme from the (sanitized) URL, host from Host. Safe
 * for that because the Host allowlist has already refused every name not configured; never an
 * authorization decision.
 */
export function ownOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  return `${url.protocol}//${host}`;
}
