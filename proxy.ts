import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { createNonce, cspSourcesFromEnv, securityHeaders } from "@/lib/http/security-headers";
import { acceptRequestId } from "@/lib/request-context";

/**
 * Pages and static files: a fresh CSP nonce per request, handed to Next (which reads it from the
 * request's CSP header and stamps it on its own scripts) and to our layout via x-nonce, plus the
 * rest of DESIGN 4.2 and a request id. API routes are excluded by the matcher: the spine sets the
 * same headers there without Next buffering request bodies for the proxy.
 */
export function proxy(request: NextRequest) {
  const config = env();
  const nonce = createNonce();
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const headers = securityHeaders(nonce, cspSourcesFromEnv(config), {
    https: request.nextUrl.protocol === "https:",
    dev: config.NODE_ENV === "development",
  });

  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("x-request-id", requestId);
  forwarded.set("content-security-policy", headers["Content-Security-Policy"]!);

  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = {
  // Everything but /api/* (the spine sets headers there) and /preview/* (generated code, served with
  // its own sandboxing policy).
  matcher: ["/((?!api/|api$|preview/).*)"],
};
