import { ApiError, badRequest, empty, forbidden, isRecord, json, str, unprocessable, type FakeRequest, type Reply } from "./http";
import { checkPassword, createFlow, referrer, sendLinkEmail, validateEmail, validatePkce } from "./mail";
import { authenticate, issueSession, refreshGrant } from "./sessions";
import type { FakeContext } from "./state";
import { pkceMatches } from "./tokens";
import { userJson } from "./users";

/** POST /token (password, refresh_token, pkce), GET and PUT /user, POST /logout; after token.go, user.go, logout.go. */

const INVALID_LOGIN = "Invalid login credentials";

/** ResourceOwnerPasswordGrant. Unknown email and wrong password are the same answer, on purpose. */
export async function passwordGrant(ctx: FakeContext, body: Record<string, unknown>): Promise<Reply> {
  const email = str(body, "email");
  const phone = str(body, "phone");
  const password = str(body, "password");
  if (email && phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided on login.");
  if (!email && phone) throw unprocessable("phone_provider_disabled", "Phone logins are disabled");
  if (!email) throw badRequest("validation_failed", "missing email or phone");
  const user = ctx.state.findUserByEmail(email);
  if (!user || user.password === null || user.password !== password) throw badRequest("invalid_credentials", INVALID_LOGIN);
  if (!user.emailConfirmedAt) throw badRequest("email_not_confirmed", "Email not confirmed");
  return json(await issueSession(ctx, user, "password"));
}

/** PKCE grant: the auth code from the redirect plus the verifier whose S256 hash the flow stored. */
async function pkceGrant(ctx: FakeContext, body: Record<string, unknown>): Promise<Reply> {
  const authCode = str(body, "auth_code");
  const verifier = str(body, "code_verifier");
  if (!authCode || !verifier) throw badRequest("validation_failed", "invalid request: both auth code and code verifier should be non-empty");
  const flow = ctx.state.flows.get(authCode);
  // A code is only out in the world once /verify or /authorize issued it; a used code is deleted.
  if (!flow?.authCodeIssuedAt) throw new ApiError(404, "flow_state_not_found", "invalid flow state, no valid flow state found");
  if (ctx.state.isFlowExpired(flow)) throw unprocessable("flow_state_expired", "invalid flow state, flow state has expired");
  const user = ctx.state.users.get(flow.userId);
  if (!user) throw new ApiError(404, "user_not_found", "User not found");
  // A wrong verifier leaves the flow in place (GoTrue checks it before deleting the flow state).
  if (!pkceMatches(flow.codeChallengeMethod, flow.codeChallenge, verifier)) {
    throw badRequest("bad_code_verifier", "code challenge does not match previously saved code verifier");
  }
  const session = await issueSession(ctx, user, flow.authMethod);
  if (flow.providerAccessToken) session.provider_token = flow.providerAccessToken;
  ctx.state.flows.delete(authCode);
  return json(session);
}

export async function token(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  switch (req.query.get("grant_type")) {
    case "password":
      return passwordGrant(ctx, req.body);
    case "refresh_token":
      return json(await refreshGrant(ctx, str(req.body, "refresh_token")));
    case "pkce":
      return pkceGrant(ctx, req.body);
    case "id_token":
    case "web3":
      throw badRequest("validation_failed", "supabase-fake does not implement this grant type");
    default:
      throw badRequest("invalid_credentials", "unsupported_grant_type");
  }
}

function requestAud(req: FakeRequest): string {
  const header = req.headers["x-jwt-aud"];
  return (Array.isArray(header) ? header[0] : header) || "authenticated";
}

export async function getUser(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const { user, claims } = await authenticate(ctx, req.headers);
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (aud !== requestAud(req)) throw badRequest("validation_failed", "Token audience doesn't match request audience");
  return json(userJson(user));
}

/**
 * UserUpdate. A new password must differ from the old one and ends every *other* session of the
 * user (UpdatePassword). A new email is never applied directly: GoTrue's secure email change sends
 * an `email_change` link to the current address and one to the new address; see routes-verify.
 */
export async function updateUser(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const { user, session } = await authenticate(ctx, req.headers);
  const { body } = req;
  const email = str(body, "email") ? validateEmail(str(body, "email")) : "";
  const password = typeof body.password === "string" ? body.password : null;
  if (str(body, "phone")) throw unprocessable("phone_provider_disabled", "Unsupported phone provider");
  if (password !== null) checkPassword(password);
  if (body.app_metadata !== undefined && body.app_metadata !== null) throw forbidden("not_admin", "Updating app_metadata requires admin privileges");
  const changingEmail = email !== "" && email !== user.email;
  if (changingEmail) {
    const other = ctx.state.findUserByEmail(email);
    if (other && other.id !== user.id) throw unprocessable("email_exists", "A user with this email address has already been registered");
  }
  const pkce = changingEmail ? validatePkce(str(body, "code_challenge"), str(body, "code_challenge_method")) : null;

  if (password !== null) {
    if (user.password !== null && user.password === password) {
      throw unprocessable("same_password", "New password should be different from the old password.");
    }
    user.password = password;
    Object.assign(user, { confirmationToken: "", recoveryToken: "", emailChangeTokenCurrent: "", emailChangeTokenNew: "" });
    ctx.state.deleteSessions((s) => s.userId === user.id && s.id !== session?.id);
  }
  if (isRecord(body.data)) {
    for (const [key, value] of Object.entries(body.data)) {
      if (value === null) delete user.userMetadata[key];
      else user.userMetadata[key] = value;
    }
  }
  if (changingEmail) {
    if (pkce) createFlow(ctx, pkce, user.id, "email_change", "email_change");
    const redirectTo = referrer(ctx, req.query, req.headers);
    user.emailChange = email;
    user.emailChangeConfirmStatus = 0;
    if (user.email) sendLinkEmail(ctx, user, "email_change", { redirectTo, pkce: pkce !== null, to: user.email, slot: "current" });
    sendLinkEmail(ctx, user, "email_change", { redirectTo, pkce: pkce !== null, to: email, slot: "new" });
  }
  user.updatedAt = new Date();
  return json(userJson(user));
}

/** Logout: `global` (default) ends every session of the user, `local` this one, `others` all but this one. */
export async function logout(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const { user, session } = await authenticate(ctx, req.headers);
  const scope = req.query.get("scope") ?? "";
  if (!["", "global", "local", "others"].includes(scope)) throw badRequest("validation_failed", `Unsupported logout scope "${scope}"`);
  if (session && scope === "local") ctx.state.deleteSessions((s) => s.id === session.id);
  else if (session && scope === "others") ctx.state.deleteSessions((s) => s.userId === user.id && s.id !== session.id);
  else ctx.state.deleteSessions((s) => s.userId === user.id);
  return empty(204);
}
