import type { IncomingHttpHeaders } from "node:http";

/**
 * Client address and protocol, believing X-Forwarded-* only from the proxies the operator declared
 * (TRUST_PROXY hops). The server entry rewrites these headers on every request before Next sees
 * them, so the rest of the app can read them as facts.
 */

const FORWARDED = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "forwarded", "x-real-ip"];

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

export function sanitizeForwardedHeaders(
  headers: IncomingHttpHeaders,
  socket: { remoteAddress?: string; encrypted?: boolean },
  trustProxy: number,
): void {
  const peer = normalizeIp(socket.remoteAddress ?? "unknown");
  if (trustProxy === 0) {
    // Nobody in front of us: every forwarded header is the client's own claim.
    for (const name of FORWARDED) delete headers[name];
    headers["x-forwarded-for"] = peer;
    headers["x-forwarded-proto"] = socket.encrypted ? "https" : "http";
    return;
  }
  const chain = (first(headers["x-forwarded-for"]) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  chain.push(peer);
  headers["x-forwarded-for"] = chain.join(", ");
  const proto = (first(headers["x-forwarded-proto"]) ?? "").split(",")[0]?.trim();
  headers["x-forwarded-proto"] = proto === "https" || proto === "http" ? proto : socket.encrypted ? "https" : "http";
  delete headers["x-real-ip"];
}

/** The client's address: the entry TRUST_PROXY hops in from the right of the (sanitized) chain. */
export function clientIpFrom(forwardedFor: string | null, trustProxy: number): string {
  const chain = (forwardedFor ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return "unknown";
  return normalizeIp(chain[Math.max(0, chain.length - 1 - trustProxy)]!);
}

function normalizeIp(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
