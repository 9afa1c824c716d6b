import { isIP } from "node:net";
import { env, parseHostPort, type Env } from "../env";
import { AppError, errorBody } from "../errors";
import { securityEvent } from "../log";

/**
 * DESIGN 4.1: every request, pages and previews too, first passes a Host allowlist.
 *
 * DNS rebinding: a page on rebind.attacker.test makes its name resolve to 127.0.0.1 a moment after
 * it loaded, and the browser then sends that page's requests to this server as same-origin ones —
 * reads included, CORS never asked, and with an Origin that matches the Host. What such a request
 * cannot hide is the name in its Host header, so every name this server was not told it answers to
 * is refused with 421 before anything else runs.
 *
 * Answered: loopback names and addresses on the served port (`localhost`, `127.0.0.1`, `[::1]`
 * with PORT), the host of APP_URL and of PREVIEW_ORIGIN (previews are served by this process),
 * ALLOWED_HOSTS, and the bound HOSTNAME when it is one specific IP address (an address is not a
 * name an attacker can point elsewhere; the wildcards 0.0.0.0 and :: name no address at all).
 *
 * Behind a reverse proxy (TRUST_PROXY) the Host the proxy sends is what is checked; X-Forwarded-Host
 * is never believed. A proxy that passes the browser's Host on needs APP_URL (or ALLOWED_HOSTS) to
 * name it; one that rewrites Host to a fixed upstream name must itself refuse names it does not serve.
 */

type HostConfig = Pick<Env, "PORT" | "HOSTNAME" | "APP_URL" | "PREVIEW_ORIGIN" | "ALLOWED_HOSTS">;

interface HostPattern {
  hostname: string;
  port: number | "any";
  /** A Host without a port names the scheme's default port: accepted when that is this pattern's port. */
  bare: boolean;
  /** How the refusal message names it. */
  shown: string;
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const WILDCARDS = new Set(["0.0.0.0", "::"]);

/** HOSTNAME as a Host names it (`[fe80::1]`), when it is one specific IP address that is not loopback. */
export function boundAddressName(config: Pick<Env, "HOSTNAME">): string | null {
  const h = config.HOSTNAME;
  const family = isIP(h);
  if (family === 0 || WILDCARDS.has(h)) return null;
  const name = new URL(`http://${family === 6 ? `[${h}]` : h}`).hostname;
  return LOOPBACK_NAMES.includes(name) ? null : name;
}

/** The names reached on the served port directly: loopback, and a specific bound address. */
export function servedPortNames(config: Pick<Env, "HOSTNAME">): string[] {
  const bound = boundAddressName(config);
  return bound ? [...LOOPBACK_NAMES, bound] : [...LOOPBACK_NAMES];
}

function originPattern(origin: string): HostPattern {
  const url = new URL(origin);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { hostname: url.hostname, port, bare: url.port === "", shown: url.host };
}

const cache = new WeakMap<HostConfig, HostPattern[]>();

function patternsOf(config: HostConfig): HostPattern[] {
  let patterns = cache.get(config);
  if (!patterns) {
    patterns = servedPortNames(config).map((hostname) => ({ hostname, port: config.PORT, bare: config.PORT === 80, shown: `${hostname}:${config.PORT}` }));
    for (const origin of [config.APP_URL, config.PREVIEW_ORIGIN]) if (origin) patterns.push(originPattern(origin));
    for (const entry of config.ALLOWED_HOSTS) {
      const parsed = parseHostPort(entry)!;
      patterns.push({ hostname: parsed.hostname, port: parsed.port ?? "any", bare: parsed.port === null, shown: entry });
    }
    cache.set(config, patterns);
  }
  return patterns;
}

// Verdicts by Host header, per configuration: a server sees a handful of names. Bounded, since
// the names a client sends are not.
const verdicts = new WeakMap<HostConfig, Map<string, boolean>>();
const MAX_VERDICTS = 256;

/** Whether a request with this Host header is one this server answers. A missing Host is not. */
export function hostAllowed(host: string | null | undefined, config: HostConfig = env()): boolean {
  if (!host) return false;
  let known = verdicts.get(config);
  if (!known) verdicts.set(config, (known = new Map()));
  const cached = known.get(host);
  if (cached !== undefined) return cached;
  const parsed = parseHostPort(host);
  const verdict =
    parsed !== null && patternsOf(config).some((p) => p.hostname === parsed.hostname && (p.port === "any" || (parsed.port === null ? p.bare : parsed.port === p.port)));
  if (known.size >= MAX_VERDICTS) known.clear();
  known.set(host, verdict);
  return verdict;
}

/** What the refusal says: the names answered, and what to configure for another. */
export function foreignHostError(config: HostConfig = env()): AppError {
  const names = [...new Set(patternsOf(config).map((p) => p.shown))].join(", ");
  return new AppError("misdirected:host", `This server answers only to ${names}. To reach it by another name, set APP_URL or ALLOWED_HOSTS.`);
}

/** A Host header as it may go into a log line: bounded, and only when it is set. */
export const loggedHost = (host: string | null | undefined): string | null => (host ? host.slice(0, 200) : null);

/**
 * For the entries that see every request (scripts/serve.ts, proxy.ts): null when the Host is
 * answered, else the refusal to send — the error shape for API paths, plain text for pages and
 * previews — after its one security event.
 */
export function refuseForeignHost(
  host: string | null | undefined,
  where: { requestId: string; method: string; path: string; clientIp: string },
  config: HostConfig = env(),
): { status: number; contentType: string; body: string } | null {
  if (hostAllowed(host, config)) return null;
  const error = foreignHostError(config);
  securityEvent("host.blocked", { code: error.code, reason: "host not allowed", ...where, host: loggedHost(host) });
  if (where.path === "/api" || where.path.startsWith("/api/")) {
    const mapped = errorBody(error, where.requestId);
    return { status: mapped.status, contentType: "application/json", body: JSON.stringify(mapped.body) };
  }
  return { status: error.status, contentType: "text/plain; charset=utf-8", body: `${error.message}\n` };
}
