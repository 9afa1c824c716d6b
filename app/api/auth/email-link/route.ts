import { flowRequest, requireSignIn, sendSignInLink } from "@/lib/auth/flows";
import { appendCookies } from "@/lib/auth/session";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { AUTH_BODY_BYTES } from "../fields";
import { emailLinkBody } from "./schema";

/** Email a sign-in link. The PKCE verifier the link's code needs stays in this browser, HttpOnly. */
export const POST = route({
  auth: "none",
  body: emailLinkBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  rateLimit: () => rateRule("authEmail"),
  handler: async ({ body, request }) => {
    requireSignIn();
    return appendCookies(json({ sent: true }), await sendSignInLink(flowRequest(request), body.email, body.next ?? "/"));
  },
});
