import type { Env } from "../env";

/**
 * DESIGN 4.2: the headers every response carries. Built here once and applied by proxy.ts to pages
 * and static files and by the spine to API responses (API routes bypass proxy.ts; see route.ts).
 */

export interface CspSources {
  /** Extra connect-src origins: Supabase, PostHog, ... as configuration enables them. */
  connect: string[];
  /** Where previews may be framed from: the preview origin, E2B hosts when E2B is on. */
  frame: string[];
}

export function cspSourcesFromEnv(
  config: Pick<Env, "PREVIEW_ORIGIN"> & Partial<Pick<Env, "E2B_API_KEY" | "E2B_DOMAIN" | "NEXT_PUBLIC_SUPABASE_URL">>,
  extra: Partial<CspSources> = {},
): CspSources {
  // E2B serves a sandbox's ports at https://<port>-<id>.<domain>: framed only when E2B is on.
  const e2b = config.E2B_API_KEY ? [`https://*.${config.E2B_DOMAIN ?? "e2b.app"}`] : [];
  const frame = [...(config.PREVIEW_ORIGIN ? [config.PREVIEW_ORIGIN] : []), ...e2b, ...(extra.frame ?? [])];
  // The browser talks to Supabase Auth itself (sign-in, token refresh), and reads a kept
  // preview from its origin to see whether it still answers.
  const supabase = config.NEXT_PUBLIC_SUPABASE_URL ? [new URL(config.NEXT_PUBLIC_SUPABASE_URL).origin] : [];
  const preview = config.PREVIEW_ORIGIN ? [config.PREVIEW_ORIGIN] : [];
  return { connect: [...supabase, ...preview, ...(extra.connect ?? [])], frame };
}

export function createNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(nonce: string, sources: CspSources, opts: { dev?: boolean; https?: boolean } = {}): string {
  const scriptSources = [`'nonce-${nonce}'`, "'strict-dynamic'"];
  // React's dev tooling evaluates code; production never gets this.
  if (opts.dev) scriptSources.push("'unsafe-eval'");
  const directives: [string, string[]][] = [
    ["default-src", ["'self'"]],
    ["script-src", scriptSources],
    ["style-src", ["'self'", `'nonce-${nonce}'`]],
    ["img-src", ["'self'", "data:", "blob:"]],
    ["font-src", ["'self'", "data:"]],
    ["connect-src", ["'self'", ...sources.connect]],
    ["frame-src", ["'self'", ...sources.frame]],
    ["worker-src", ["'self'", "blob:"]],
    ["manifest-src", ["'self'"]],
    ["media-src", ["'self'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'none'"]],
    ["form-action", ["'self'"]],
    ["frame-ancestors", ["'none'"]],
  ];
  if (opts.https) directives.push(["upgrade-insecure-requests", []]);
  return directives.map(([name, values]) => [name, ...values].join(" ")).join("; ");
}

// Features Chromium recognises; unknown names only add console noise.
const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "browsing-topics",
  "camera",
  "display-capture",
  "encrypted-media",
  "gamepad",
  "geolocation",
  "gyroscope",
  "hid",
  "idle-detection",
  "local-fonts",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "picture-in-picture",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
];

export const PERMISSIONS_POLICY = DENIED_FEATURES.map((f) => `${f}=()`).join(", ");

export const HSTS = "max-age=63072000; includeSubDomains";

export function securityHeaders(nonce: string, sources: CspSources, opts: { dev?: boolean; https?: boolean } = {}): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(nonce, sources, opts),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-DNS-Prefetch-Control": "off",
    "X-Permitted-Cross-Domain-Policies": "none",
  };
  if (opts.https) headers["Strict-Transport-Security"] = HSTS;
  return headers;
}

