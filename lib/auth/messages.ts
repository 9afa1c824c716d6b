import { AppError, type ErrorCode } from "../errors";

/**
 * What Supabase Auth's refusals mean, said plainly for the sign-in page, and the typed error each
 * becomes on the way out of Tessera's own auth endpoints. Anything unrecognised is passed on as
 * Supabase wrote it (its messages carry no secrets: they are written for end users).
 */

export interface AuthFailure {
  code?: string;
  status?: number;
  message: string;
}

export function describeAuthError(error: AuthFailure): string {
  switch (error.code) {
    case "invalid_credentials":
      return "That email and password do not match an account.";
    case "email_not_confirmed":
      return "Confirm your email first: open the link in the message we sent, then sign in.";
    case "user_already_exists":
    case "email_exists":
      return "An account with this email already exists. Sign in instead, or reset the password.";
    case "weak_password":
      return `That password is too weak. ${error.message}`;
    case "over_email_send_rate_limit":
    case "over_request_rate_limit":
      return "Too many attempts. Wait a minute and try again.";
    case "signup_disabled":
      return "New accounts cannot be created on this server.";
    default:
      return error.message || "Something went wrong. Try again.";
  }
}

const CODES: Record<string, ErrorCode> = {
  invalid_credentials: "unauthorized",
  email_not_confirmed: "forbidden",
  signup_disabled: "forbidden",
  otp_disabled: "forbidden",
  user_banned: "forbidden",
  user_already_exists: "conflict",
  email_exists: "conflict",
  over_email_send_rate_limit: "rate_limit:exceeded",
  over_request_rate_limit: "rate_limit:exceeded",
};

/** A Supabase Auth refusal as the AppError the client sees; Supabase being down is a 503. */
export function authFailure(error: AuthFailure): AppError {
  const status = error.status ?? 0;
  if (status === 0 || status >= 500) {
    return new AppError("unavailable:auth", "The sign-in service could not be reached. Try again in a moment.");
  }
  const code: ErrorCode = (error.code ? CODES[error.code] : undefined) ?? (status === 429 ? "rate_limit:exceeded" : "bad_request:validation");
  return new AppError(code, describeAuthError(error), code === "rate_limit:exceeded" ? { headers: { "Retry-After": "60" } } : {});
}
