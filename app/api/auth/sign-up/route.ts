import { flowRequest, requireSignIn, signUp } from "@/lib/auth/flows";
import { safeNext } from "@/lib/auth/next-path";
import { appendCookies } from "@/lib/auth/session";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { AUTH_BODY_BYTES } from "../fields";
import { signUpBody } from "./schema";

/** A new account: signed in at once, or a confirmation link on its way (`signedIn: false`). */
export const POST = route({
  auth: "none",
  body: signUpBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  rateLimit: () => rateRule("authEmail"),
  handler: async ({ body, request }) => {
    requireSignIn();
    const next = safeNext(body.next);
    const { cookies, signedIn } = await signUp(flowRequest(request), body.email, body.password, next);
    return appendCookies(json({ signedIn, next }), cookies);
  },
});
