import { requireSignIn, signOut } from "@/lib/auth/flows";
import { appendCookies } from "@/lib/auth/session";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { AUTH_BODY_BYTES } from "../fields";
import { signOutBody } from "./schema";

/**
 * Sign out of this session or of every session. Its tokens are refused from this moment, Supabase
 * ends the session(s), and the cookies are deleted. A caller whose session is already gone is
 * simply signed out (the cookies still go), so the button always works.
 */
export const POST = route({
  auth: "optional",
  body: signOutBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  rateLimit: () => rateRule("authSignOut"),
  handler: async ({ body, principal, accessToken, request }) => {
    requireSignIn();
    const cookies = await signOut({ cookieHeader: request.headers.get("cookie"), https: new URL(request.url).protocol === "https:" }, principal, accessToken, body.scope);
    return appendCookies(json({ signedOut: true, scope: body.scope }), cookies);
  },
});
