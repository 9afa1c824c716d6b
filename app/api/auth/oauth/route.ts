import { flowRequest, requireSignIn, startOAuth } from "@/lib/auth/flows";
import { appendCookies } from "@/lib/auth/session";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { AUTH_BODY_BYTES } from "../fields";
import { oauthBody } from "./schema";

/**
 * Start signing in with GitHub or Google: the answer is the address to send the browser to, and
 * this flow's PKCE verifier as an HttpOnly cookie for /auth/callback to finish with.
 */
export const POST = route({
  auth: "none",
  body: oauthBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  rateLimit: () => rateRule("authOAuth"),
  handler: async ({ body, request }) => {
    requireSignIn();
    const { url, cookies } = await startOAuth(flowRequest(request), body.provider, body.next ?? "/");
    return appendCookies(json({ url }), cookies);
  },
});
