import { requireSignIn, signInWithPassword, flowRequest } from "@/lib/auth/flows";
import { safeNext } from "@/lib/auth/next-path";
import { appendCookies } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { securityEvent } from "@/lib/log";
import { AUTH_BODY_BYTES } from "../fields";
import { signInBody } from "./schema";

/** Email and password: the session cookies come back with the answer, and where to go next. */
export const POST = route({
  auth: "none",
  body: signInBody,
  maxBodyBytes: AUTH_BODY_BYTES,
  rateLimit: () => rateRule("authSignIn"),
  handler: async ({ body, request, clientIp }) => {
    requireSignIn();
    try {
      const cookies = await signInWithPassword(flowRequest(request), body.email, body.password);
      return appendCookies(json({ next: safeNext(body.next) }), cookies);
    } catch (err) {
      // Wrong passwords are what a guessing attack looks like: one event each, never the address.
      if (err instanceof AppError && err.code === "unauthorized") securityEvent("auth.failed", { reason: "invalid_credentials", clientIp });
      throw err;
    }
  },
});
