import { NextResponse, type NextRequest } from "next/server";
import { safeNext } from "@/lib/auth/next-path";
import { authenticateRequest } from "@/lib/auth/request";
import { appendCookies, type CookieToSet } from "@/lib/auth/session";
import { authConfigured, env } from "@/lib/env";
import { createNonce, cspSourcesFromEnv, securityHeaders } from "@/lib/http/security-headers";
import { clientIpFrom } from "@/lib/http/forwarded";
import { refuseForeignHost } from "@/lib/http/host";
import { rateLimiter, rateRule } from "@/lib/limits";
import { log, securityEvent } from "@/lib/log";
import { acceptRequestId } from "@/lib/request-context";

/**
 * Pages and static files: a fresh CSP nonce per request, handed to Next (which reads it from the
 * request's CSP header and stamps it on its own scripts) and to our layout via x-nonce, plus the
 * rest of DESIGN 4.2 and a request id. API routes are excluded by the matcher: the spine sets the
 * same headers there without Next buffering request bodies for the proxy.
 *
 * With Supabase sign-in configured, pages also get a fresh session: an access token about to
 * expire is refreshed here (the new cookies go to the browser and to the page rendering now), and
 * a signed-out visitor of a private page — or one whose session was signed out — is sent to sign in.
 */

/** Pages anyone may see: signing in, finishing a sign-in, and shared versions. */
const PUBLIC_PAGES = /^\/(?:sign-in|auth\/|s\/)/;
/** Files and Next's own assets: headers only, no session work. */
const ASSET = /^\/(?:_next\/|favicon|.*\.[a-z0-9]{2,5}$)/i;

export async function proxy(request: NextRequest) {
  const config = env();
  const nonce = createNonce();
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const headers = securityHeaders(nonce, cspSourcesFromEnv(config), {
    https: request.nextUrl.protocol === "https:",
    dev: config.NODE_ENV === "development",
  });
  const finish = (response: NextResponse, cookies: readonly CookieToSet[] = []) => {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    response.headers.set("x-request-id", requestId);
    appendCookies(response, cookies);
    return response;
  };
  // DESIGN 4.1: a Host this server does not answer to is refused first (DNS rebinding). scripts/serve.ts
  // refuses it before Next; this covers `next dev` and any other entry.
  const where = { requestId, method: request.method, path: request.nextUrl.pathname, clientIp: clientIpFrom(request.headers.get("x-forwarded-for"), config.TRUST_PROXY) };
  const misdirected = refuseForeignHost(request.headers.get("host"), where, config);
  if (misdirected) return finish(new NextResponse(misdirected.body, { status: misdirected.status, headers: { "content-type": misdirected.contentType } }));

  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("x-request-id", requestId);
  forwarded.set("content-security-policy", headers["Content-Security-Policy"]!);

  const path = request.nextUrl.pathname;
  if (path.startsWith("/s/")) {
    // Share links are looked up by token: viewing is rate-limited per address, and an address
    // that tried too many wrong tokens waits before it may look up any.
    const subject = `ip:${clientIpFrom(request.headers.get("x-forwarded-for"), config.TRUST_PROXY)}`;
    const limiter = rateLimiter();
    const misses = await limiter.peek(subject, rateRule("shareMiss"));
    const views = misses.allowed ? await limiter.consume(subject, rateRule("shareView")) : misses;
    if (!views.allowed) {
      const seconds = Math.max(1, Math.ceil(views.retryAfterMs / 1000));
      securityEvent("ratelimit.blocked", { rule: misses.allowed ? "shareView" : "shareMiss", subject: "ip", path, requestId });
      const body = `Too many share links were opened from your address. Try again in ${seconds} s.`;
      return finish(new NextResponse(body, { status: 429, headers: { "content-type": "text/plain; charset=utf-8", "retry-after": String(seconds) } }));
    }
  }
  let cookies: CookieToSet[] = [];
  if (authConfigured(config) && !ASSET.test(path)) {
    let auth;
    try {
      auth = await authenticateRequest(forwarded, request.nextUrl.protocol === "https:");
    } catch (err) {
      // The revocation list could not be read: nobody is let in on a guess.
      log().error({ err, requestId }, "could not authenticate a page request");
      const body = "Your session could not be checked just now. Reload the page in a moment.";
      return finish(new NextResponse(body, { status: 503, headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "5" } }));
    }
    cookies = auth.cookies;
    if (cookies.length > 0) forwarded.set("cookie", auth.cookieHeader ?? "");
    const { principal } = auth.result;
    if (!principal && !PUBLIC_PAGES.test(path)) {
      const to = new URL("/sign-in", request.url);
      to.searchParams.set("next", safeNext(path + request.nextUrl.search));
      return finish(NextResponse.redirect(to, 303), cookies);
    }
    if (principal && path === "/sign-in") {
      return finish(NextResponse.redirect(new URL(safeNext(request.nextUrl.searchParams.get("next") ?? "/"), request.url), 303), cookies);
    }
  }

  return finish(NextResponse.next({ request: { headers: forwarded } }), cookies);
}

export const config = {
  // Everything but /api/* (the spine sets headers there) and /preview/* (generated code, served with
  // its own sandboxing policy).
  matcher: ["/((?!api/|api$|preview/).*)"],
};
