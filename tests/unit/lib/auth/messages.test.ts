import { describe, expect, it } from "vitest";
import { authFailure, describeAuthError } from "@/lib/auth/messages";

describe("Supabase Auth refusals, as the sign-in page shows them", () => {
  it("says the known ones plainly, with the status each deserves", () => {
    const cases: [string, number, string, number, string][] = [
      ["invalid_credentials", 400, "Invalid login credentials", 401, "That email and password do not match an account."],
      ["email_not_confirmed", 400, "Email not confirmed", 403, "Confirm your email first: open the link in the message we sent, then sign in."],
      ["user_already_exists", 422, "User already registered", 409, "An account with this email already exists. Sign in instead, or reset the password."],
      ["signup_disabled", 422, "Signups not allowed for this instance", 403, "New accounts cannot be created on this server."],
      ["over_email_send_rate_limit", 429, "email rate limit exceeded", 429, "Too many attempts. Wait a minute and try again."],
      ["weak_password", 422, "Password should be at least 6 characters.", 400, "That password is too weak. Password should be at least 6 characters."],
    ];
    for (const [code, status, message, expectedStatus, shown] of cases) {
      const err = authFailure({ code, status, message });
      expect(err.status, code).toBe(expectedStatus);
      expect(err.message, code).toBe(shown);
    }
    expect(authFailure({ code: "over_request_rate_limit", status: 429, message: "x" }).extra.headers).toEqual({ "Retry-After": "60" });
  });

  it("passes anything else on in Supabase's words, and calls an unreachable or failing service unavailable", () => {
    expect(authFailure({ code: "same_password", status: 422, message: "New password should be different from the old password." })).toMatchObject({
      status: 400,
      message: "New password should be different from the old password.",
    });
    for (const status of [0, 500, 502, 503]) {
      expect(authFailure({ status, message: "fetch failed: ECONNREFUSED 10.0.0.5:443" })).toMatchObject({ code: "unavailable:auth", message: expect.not.stringContaining("10.0.0.5") });
    }
    expect(describeAuthError({ message: "" })).toBe("Something went wrong. Try again.");
  });
});
