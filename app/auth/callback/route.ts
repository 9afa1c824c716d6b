import { safeNext } from "@/lib/auth/next-path";
import { appendCookies, exchangeCode } from "@/lib/auth/session";
import { authConfigured } from "@/lib/env";
import { route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { securityEvent } from "@/lib/log";
import { callbackQuery } from "./schema";

const redirect = (to: string) => new Response(null, { status: 303, headers: { location: to } });

/**
 * Where email links (confirm, magic link, password reset) and OAuth providers send the browser
 * back: the one-time code becomes the session cookies, then on to where the visitor was going.
 */
export const GET = route({
  auth: "none",
  query: callbackQuery,
  rateLimit: () => rateRule("authCallback"),
  handler: async ({ query, request, clientIp }) => {
    if (!authConfigured()) return redirect("/");
    const next = safeNext(query.next);
    const failed = (message: string) => redirect(`/sign-in?next=${encodeURIComponent(next)}&error=${encodeURIComponent(message)}`);
    if (query.error || query.error_description) return failed(query.error_description ?? "The sign-in link was refused.");
    if (!query.code) return failed("The sign-in link is incomplete. Request a new one.");
    const https = new URL(request.url).protocol === "https:";
    // The flow id names which of this browser's pending sign-ins the code belongs to (its PKCE verifier).
    const result = await exchangeCode({ cookieHeader: request.headers.get("cookie"), https }, query.code, query.sb_flow_id);
    if (result.error) {
      securityEvent("auth.failed", { reason: "code_exchange", clientIp });
      return appendCookies(failed(`The sign-in link could not be used: ${result.error} Request a new one.`), result.cookies);
    }
    return appendCookies(redirect(next), result.cookies);
  },
});
