import { requireSignIn, setPassword } from "@/lib/auth/flows";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { AUTH_BODY_BYTES } from "../fields";
import { newPasswordBody } from "./schema";

/**
 * A new password for the signed-in user (the last step of a reset). Every other session of the
 * user ends; this one goes on. Asks Supabase about the session first: this outlives the request.
 */
export const POST = route({
  body: newPasswordBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  confirmSession: true,
  rateLimit: () => rateRule("authPassword"),
  handler: async ({ body, principal, accessToken }) => {
    requireSignIn();
    await setPassword(principal, accessToken!, body.password);
    return json({ changed: true });
  },
});
