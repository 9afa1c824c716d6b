import { flowRequest, requireSignIn, sendPasswordReset } from "@/lib/auth/flows";
import { appendCookies } from "@/lib/auth/session";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { AUTH_BODY_BYTES } from "../fields";
import { passwordResetBody } from "./schema";

/** Email a link to choose a new password. The same answer whether or not the address has an account. */
export const POST = route({
  auth: "none",
  body: passwordResetBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  rateLimit: () => rateRule("authEmail"),
  handler: async ({ body, request }) => {
    requireSignIn();
    return appendCookies(json({ sent: true }), await sendPasswordReset(flowRequest(request), body.email));
  },
});
