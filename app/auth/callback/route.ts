import { serializeCookieHeader } from "@supabase/ssr";
import { safeNext } from "@/lib/auth/next-path";
import { exchangeCode } from "@/lib/auth/session";
import { authConfigured } from "@/lib/env";
import { route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { securityEvent } from "@/lib/log";
import { callbackQuery } from "./schema";

function redirect(to: string, cookies: string[] = []): Response {
  const headers = new Headers({ location: to });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}

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
    const result = await exchangeCode(request.headers.get("cookie"), query.code);
    if (result.error) {
      securityEvent("auth.failed", { reason: "code_exchange", clientIp });
      return failed(`The sign-in link could not be used: ${result.error} Request a new one.`);
    }
    return redirect(next, result.cookies.map((c) => serializeCookieHeader(c.name, c.value, c.options)));
  },
});
