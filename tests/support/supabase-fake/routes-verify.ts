import {
  ApiError,
  badRequest,
  codeRedirectUrl,
  errorRedirectUrl,
  forbidden,
  json,
  messageRedirectUrl,
  redirect,
  str,
  tokenRedirectUrl,
  unprocessable,
  type FakeRequest,
  type Reply,
} from "./http";
import { isExpired, referrer, tokenMatches, validateEmail } from "./mail";
import { issueSession } from "./sessions";
import type { FakeContext } from "./state";
import { tokenHash } from "./tokens";
import { confirmUser, syncProviders, type UserRecord } from "./users";

/** GET /verify (the email link) and POST /verify (verifyOtp), after GoTrue's verify.go. */

const SINGLE_CONFIRMATION = "Confirmation link accepted. Please proceed to confirm link sent to the other email";

/** models.ParseAuthenticationMethod for the verification types a PKCE link can carry. */
const AUTH_METHOD: Record<string, string> = {
  signup: "email/signup",
  invite: "invite",
  magiclink: "magiclink",
  recovery: "recovery",
  email_change: "email_change",
};

const LINK_INVALID = "Email link is invalid or has expired";
const OTP_INVALID = "Token has expired or is invalid";

interface Found {
  user: UserRecord;
  /** "email" resolves to "signup" or "magiclink" by which token matched. */
  type: string;
  /** Which email-change token matched, for the secure two-link change. */
  slot?: "current" | "new";
}

/** verifyTokenHash: the user holding this token of this type, if the token has not expired. */
function findByTokenHash(ctx: FakeContext, type: string, hash: string): Found {
  if (!["email", "signup", "invite", "recovery", "magiclink", "email_change"].includes(type)) {
    throw badRequest("validation_failed", "Invalid email verification type");
  }
  for (const user of ctx.state.users.values()) {
    const found = matchToken(user, type, hash);
    if (!found) continue;
    if (isExpired(ctx, sentAtFor(user, found.type))) throw forbidden("otp_expired", LINK_INVALID);
    return found;
  }
  throw forbidden("otp_expired", LINK_INVALID);
}

function matchToken(user: UserRecord, type: string, hash: string): Found | null {
  const signup = (type === "email" || type === "signup" || type === "invite") && tokenMatches(user.confirmationToken, hash);
  if (signup) return { user, type: type === "email" ? "signup" : type };
  if ((type === "email" || type === "magiclink" || type === "recovery") && tokenMatches(user.recoveryToken, hash)) {
    return { user, type: type === "email" ? "magiclink" : type };
  }
  if (type === "email_change") {
    if (tokenMatches(user.emailChangeTokenCurrent, hash)) return { user, type, slot: "current" };
    if (tokenMatches(user.emailChangeTokenNew, hash)) return { user, type, slot: "new" };
  }
  return null;
}

function sentAtFor(user: UserRecord, type: string): Date | null {
  if (type === "signup" || type === "invite") return user.confirmationSentAt;
  if (type === "email_change") return user.emailChangeSentAt;
  return user.recoverySentAt;
}

/** signupVerify / recoverVerify / emailChangeVerify. "single" means one of two email-change links. */
function applyVerification(ctx: FakeContext, found: Found): "done" | "single" {
  const { user } = found;
  if (found.type === "signup" || found.type === "invite") {
    confirmUser(user);
  } else if (found.type === "recovery" || found.type === "magiclink") {
    user.recoveryToken = "";
    if (!user.emailConfirmedAt) confirmUser(user);
  } else {
    // Secure email change (GoTrue's default): both the old and the new address must confirm,
    // unless "Confirm email" is off, in which case either link completes the change.
    if (!ctx.state.settings.autoconfirm && user.emailChangeConfirmStatus === 0 && user.email) {
      user.emailChangeConfirmStatus = 1;
      if (found.slot === "current") user.emailChangeTokenCurrent = "";
      else user.emailChangeTokenNew = "";
      return "single";
    }
    const email = user.emailChange;
    user.email = email;
    Object.assign(user, { emailChange: "", emailChangeTokenCurrent: "", emailChangeTokenNew: "", emailChangeConfirmStatus: 0 });
    for (const identity of user.identities) {
      if (identity.provider !== "email") continue;
      identity.email = email;
      identity.data.email = email;
    }
    if (!user.emailConfirmedAt) confirmUser(user);
    syncProviders(user);
  }
  user.updatedAt = new Date();
  return "done";
}

export async function verifyGet(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const token = req.query.get("token") ?? "";
  const type = req.query.get("type") ?? "";
  const redirectTo = referrer(ctx, req.query, req.headers);
  // Parameter errors come back as JSON, as in GoTrue: they are checked before anything redirects.
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if (!token) throw badRequest("validation_failed", "Verify requires a token or a token hash");
  const pkce = token.startsWith("pkce_");
  if (pkce && !AUTH_METHOD[type]) throw new ApiError(500, "unexpected_failure", "Unexpected failure, please check server logs for more information");
  try {
    const found = findByTokenHash(ctx, type, token);
    // GoTrue does all of this in one transaction: a missing flow state undoes the confirmation.
    const flow = pkce ? ctx.state.latestFlow(found.user.id, AUTH_METHOD[found.type] ?? "") : undefined;
    if (pkce && !flow) throw unprocessable("flow_state_not_found", "No valid flow state found for user.");
    if (applyVerification(ctx, found) === "single") return redirect(messageRedirectUrl(redirectTo, SINGLE_CONFIRMATION, pkce), 303);
    if (flow) {
      flow.authCodeIssuedAt = new Date();
      return redirect(codeRedirectUrl(redirectTo, flow.authCode), 303);
    }
    const session = await issueSession(ctx, found.user, "otp");
    const { access_token, expires_at, expires_in, refresh_token, token_type } = session;
    return redirect(tokenRedirectUrl(redirectTo, { access_token, expires_at, expires_in, refresh_token, token_type, type: found.type }), 303);
  } catch (err) {
    if (err instanceof ApiError) return redirect(errorRedirectUrl(redirectTo, err, pkce), 303);
    throw err;
  }
}

/** verifyUserAndToken: the address and its six-digit code. */
function findByEmailAndOtp(ctx: FakeContext, type: string, email: string, otp: string): Found {
  const hash = tokenHash(email, otp);
  for (const user of ctx.state.users.values()) {
    const addressMatches = user.email === email || (type === "email_change" && user.emailChange === email);
    if (!addressMatches) continue;
    const found = matchToken(user, type, hash);
    if (!found || isExpired(ctx, sentAtFor(user, found.type))) throw forbidden("otp_expired", OTP_INVALID);
    return found;
  }
  throw forbidden("otp_expired", OTP_INVALID);
}

export async function verifyPost(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const { body } = req;
  const type = str(body, "type");
  const token = str(body, "token");
  const hash = str(body, "token_hash");
  const email = str(body, "email");
  const phone = str(body, "phone");
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if ((!token && !hash) || (token && hash)) throw badRequest("validation_failed", "Verify requires either a token or a token hash");
  let found: Found;
  if (token) {
    if (phone && !email) throw forbidden("otp_expired", OTP_INVALID); // the fake has no phone users
    if (!email || phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided on verify");
    let address: string;
    try {
      address = validateEmail(email);
    } catch {
      throw unprocessable("validation_failed", "Invalid email format");
    }
    if (!["email", "signup", "invite", "recovery", "magiclink", "email_change"].includes(type)) {
      throw badRequest("validation_failed", "Unsupported verification type");
    }
    found = findByEmailAndOtp(ctx, type, address, token);
  } else {
    if (email || phone || str(body, "redirect_to")) throw badRequest("validation_failed", "Only the token_hash and type should be provided");
    found = findByTokenHash(ctx, type, hash);
  }
  if (applyVerification(ctx, found) === "single") return json({ msg: SINGLE_CONFIRMATION, code: "200" });
  return json(await issueSession(ctx, found.user, "otp"));
}
