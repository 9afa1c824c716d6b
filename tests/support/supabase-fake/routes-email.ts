import { randomBytes } from "node:crypto";
import { badRequest, isRecord, json, str, unprocessable, type FakeRequest, type Reply } from "./http";
import { checkPassword, createFlow, referrer, sendLinkEmail, validateEmail, validatePkce, type Pkce } from "./mail";
import { issueSession } from "./sessions";
import type { FakeContext } from "./state";
import { addEmailIdentity, confirmUser, newUserRecord, obfuscatedUserJson, userJson } from "./users";

/** POST /signup, POST /otp (email magic links) and POST /recover, after signup.go, magic_link.go, otp.go, recover.go. */

interface SignupInput {
  email: string;
  password: string;
  data: Record<string, unknown>;
  pkce: Pkce | null;
  redirectTo: string;
}

/**
 * The body of Signup once the parameters are valid.
 *
 * An email that already belongs to a confirmed user: with "Confirm email" on (autoconfirm off)
 * GoTrue answers 200 with an obfuscated user (random id, no identities, no session, no email sent)
 * so the response does not reveal the address is registered; with autoconfirm on it answers 422
 * `user_already_exists` "User already registered". (The dashboard's rule is "both Confirm email and
 * Confirm phone on → obfuscated"; the fake has phone autoconfirm off, so it reduces to autoconfirm.)
 *
 * An email that belongs to an unconfirmed user: the user is left as it is (GoTrue cannot be sure
 * the caller owns the address, so the password is not replaced) and a new confirmation email
 * replaces the previous one; with autoconfirm on the user is confirmed and signed in.
 */
async function signupWithEmail(ctx: FakeContext, input: SignupInput): Promise<Reply> {
  const { state } = ctx;
  const autoconfirm = state.settings.autoconfirm;
  const existing = state.findUserByEmail(input.email);
  if (existing?.emailConfirmedAt) {
    if (autoconfirm) throw unprocessable("user_already_exists", "User already registered");
    return json(obfuscatedUserJson(input.email, input.data));
  }
  let user = existing;
  if (!user) {
    user = newUserRecord(input.email, input.password, "email", input.data);
    addEmailIdentity(user, input.data);
    state.users.set(user.id, user);
  }
  if (autoconfirm) {
    confirmUser(user);
    return json(await issueSession(ctx, user, "password"));
  }
  if (input.pkce) createFlow(ctx, input.pkce, user.id, "email/signup", "email");
  sendLinkEmail(ctx, user, "signup", { redirectTo: input.redirectTo, pkce: input.pkce !== null });
  return json(userJson(user));
}

function signupsAllowed(ctx: FakeContext): void {
  if (ctx.state.settings.disableSignup) throw unprocessable("signup_disabled", "Signups not allowed for this instance");
}

export async function signup(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const { body } = req;
  const email = str(body, "email");
  const phone = str(body, "phone");
  // supabase-js signInAnonymously() posts to /signup with neither; anonymous sign-ins are off by default.
  if (!email && !phone) throw unprocessable("anonymous_provider_disabled", "Anonymous sign-ins are disabled");
  signupsAllowed(ctx);
  const password = str(body, "password");
  if (!password) throw badRequest("validation_failed", "Signup requires a valid password");
  checkPassword(password);
  if (email && phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided on signup.");
  const pkce = validatePkce(str(body, "code_challenge"), str(body, "code_challenge_method"));
  if (phone) throw badRequest("phone_provider_disabled", "Phone signups are disabled");
  return signupWithEmail(ctx, {
    email: validateEmail(email),
    password,
    data: isRecord(body.data) ? body.data : {},
    pkce,
    redirectTo: referrer(ctx, req.query, req.headers),
  });
}

/**
 * MagicLink. An unknown or unconfirmed address goes through Signup with a random password: with
 * confirmations on, that sends the *signup* confirmation email (whose link also signs the user in);
 * with autoconfirm on, the user is created confirmed and then gets a magic link.
 */
async function magicLink(ctx: FakeContext, req: FakeRequest, email: string, pkce: Pkce | null): Promise<Reply> {
  const data = isRecord(req.body.data) ? req.body.data : {};
  const redirectTo = referrer(ctx, req.query, req.headers);
  const user = ctx.state.findUserByEmail(email);
  if (!user?.emailConfirmedAt) {
    signupsAllowed(ctx);
    await signupWithEmail(ctx, { email, password: randomBytes(32).toString("hex"), data, pkce, redirectTo });
    if (!ctx.state.settings.autoconfirm) return json({});
    return magicLink(ctx, req, email, pkce);
  }
  if (pkce) createFlow(ctx, pkce, user.id, "magiclink", "magiclink");
  sendLinkEmail(ctx, user, "magiclink", { redirectTo, pkce: pkce !== null });
  return json({});
}

export async function otp(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const { body } = req;
  const email = str(body, "email");
  const phone = str(body, "phone");
  const createUser = body.create_user !== false; // OtpParams defaults CreateUser to true
  if (email && phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided");
  if (email && str(body, "channel")) throw badRequest("validation_failed", "Channel should only be specified with Phone OTP");
  const pkce = validatePkce(str(body, "code_challenge"), str(body, "code_challenge_method"));
  if (!createUser) {
    const exists = email ? ctx.state.findUserByEmail(validateEmail(email)) !== undefined : false;
    if (!exists) throw unprocessable("otp_disabled", "Signups not allowed for otp");
  }
  if (email) return magicLink(ctx, req, validateEmail(email), pkce);
  if (phone) throw badRequest("phone_provider_disabled", "Unsupported phone provider");
  throw badRequest("validation_failed", "One of email or phone must be set");
}

/** Recover: 200 `{}` whether or not the address is registered, so the answer reveals nothing. */
export async function recover(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const rawEmail = str(req.body, "email");
  if (!rawEmail) throw badRequest("validation_failed", "Password recovery requires an email");
  const email = validateEmail(rawEmail);
  const pkce = validatePkce(str(req.body, "code_challenge"), str(req.body, "code_challenge_method"));
  const user = ctx.state.findUserByEmail(email);
  if (!user) return json({});
  if (pkce) createFlow(ctx, pkce, user.id, "recovery", "recovery");
  sendLinkEmail(ctx, user, "recovery", { redirectTo: referrer(ctx, req.query, req.headers), pkce: pkce !== null });
  return json({});
}
