import type { IncomingHttpHeaders } from "node:http";
import { ApiError, badRequest, forbidden, MIN_PASSWORD_LENGTH, OAuthError } from "./http";
import type { FakeContext, RefreshTokenRecord, SessionRecord } from "./state";
import { newId, newRefreshToken, signEs256, verifyBearer } from "./tokens";
import { userJson, type UserJson, type UserRecord } from "./users";

/** Sessions, refresh-token rotation and access tokens, after GoTrue's token.go and token_refresh.go. */

export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: UserJson;
  provider_token?: string;
  weak_password?: { message: string; reasons: string[] };
}

/** The claims of a real Supabase access token, in GoTrue's order (AccessTokenClaims). */
function accessClaims(ctx: FakeContext, user: UserRecord, session: SessionRecord, iat: number): Record<string, unknown> {
  return {
    iss: ctx.issuer,
    sub: user.id,
    aud: "authenticated",
    exp: iat + ctx.accessTokenTtlSeconds,
    iat,
    email: user.email,
    phone: "",
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    role: "authenticated",
    aal: "aal1",
    amr: session.amr,
    session_id: session.id,
    is_anonymous: false,
  };
}

async function tokenResponse(ctx: FakeContext, user: UserRecord, session: SessionRecord, refresh: RefreshTokenRecord): Promise<TokenResponse> {
  const iat = Math.floor(Date.now() / 1000);
  const claims = accessClaims(ctx, user, session, iat);
  return {
    access_token: await signEs256(ctx.keys, claims),
    token_type: "bearer",
    expires_in: ctx.accessTokenTtlSeconds,
    expires_at: claims.exp as number,
    refresh_token: refresh.token,
    user: userJson(user),
  };
}

function newRefresh(session: SessionRecord, parent: string | null): RefreshTokenRecord {
  const now = new Date();
  return { token: newRefreshToken(), sessionId: session.id, userId: session.userId, parent, revoked: false, createdAt: now, updatedAt: now };
}

/**
 * issueRefreshToken: a new session with one refresh token and an AMR entry for how the user got in
 * ("password", "otp", "oauth", "magiclink", "recovery", "email/signup", "email_change").
 */
export async function issueSession(ctx: FakeContext, user: UserRecord, method: string): Promise<TokenResponse> {
  const now = new Date();
  user.lastSignInAt = now;
  // The OAuth route stamps its own identity; every other method signs in through the email identity.
  if (method !== "oauth") for (const identity of user.identities) if (identity.provider === "email") identity.lastSignInAt = now;
  const session: SessionRecord = { id: newId(), userId: user.id, createdAt: now, refreshedAt: null, amr: [{ method, timestamp: Math.floor(now.getTime() / 1000) }] };
  ctx.state.sessions.set(session.id, session);
  const refresh = newRefresh(session, null);
  ctx.state.refreshTokens.set(refresh.token, refresh);
  const response = await tokenResponse(ctx, user, session, refresh);
  if (method === "password" && user.password !== null && user.password.length < MIN_PASSWORD_LENGTH) {
    response.weak_password = { message: `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, reasons: ["length"] };
  }
  return response;
}

/**
 * RefreshTokenGrant. A revoked token is still honoured when it is the parent of the session's
 * current token (the client lost the previous answer: it gets that current token back) or within
 * the reuse interval; otherwise the whole session's token family is revoked and the answer is
 * `refresh_token_already_used`. Tokens of a deleted session (signed out) are `refresh_token_not_found`.
 */
export async function refreshGrant(ctx: FakeContext, token: string): Promise<TokenResponse> {
  const { state } = ctx;
  if (!token) throw new OAuthError("invalid_request", "refresh_token required");
  const record = state.refreshTokens.get(token);
  const session = record && state.sessions.get(record.sessionId);
  const user = record && state.users.get(record.userId);
  if (!record || !session || !user) throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");

  let issued: RefreshTokenRecord | undefined;
  if (record.revoked) {
    const active = state.activeRefreshToken(session.id);
    if (active && active.parent === record.token) {
      issued = active;
    } else if (Date.now() > record.updatedAt.getTime() + state.settings.refreshTokenReuseIntervalSeconds * 1000) {
      const now = new Date();
      for (const other of state.refreshTokens.values()) {
        if (other.sessionId === session.id && !other.revoked) Object.assign(other, { revoked: true, updatedAt: now });
      }
      throw badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
    }
  }
  if (!issued) {
    record.revoked = true;
    record.updatedAt = new Date();
    issued = newRefresh(session, record.token);
    state.refreshTokens.set(issued.token, issued);
  }
  session.refreshedAt = new Date();
  return tokenResponse(ctx, user, session, issued);
}

export interface Authenticated {
  user: UserRecord;
  session: SessionRecord | null;
  claims: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** requireAuthentication: a verified bearer token whose user, and session if it names one, still exist. */
export async function authenticate(ctx: FakeContext, headers: IncomingHttpHeaders): Promise<Authenticated> {
  const match = /^bearer (\S+)$/i.exec(headers.authorization ?? "");
  if (!match?.[1]) throw new ApiError(401, "no_authorization", "This endpoint requires a Bearer token");
  let claims: Record<string, unknown>;
  try {
    claims = (await verifyBearer(ctx.keys, match[1])) as Record<string, unknown>;
  } catch (err) {
    throw forbidden("bad_jwt", `invalid JWT: unable to parse or verify signature, ${err instanceof Error ? err.message : String(err)}`);
  }
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!sub) throw forbidden("bad_jwt", "invalid claim: missing sub claim");
  if (!UUID.test(sub)) throw badRequest("bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = ctx.state.users.get(sub);
  if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
  const sessionId = typeof claims.session_id === "string" ? claims.session_id : "";
  let session: SessionRecord | null = null;
  if (sessionId && sessionId !== "00000000-0000-0000-0000-000000000000") {
    if (!UUID.test(sessionId)) throw forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID");
    session = ctx.state.sessions.get(sessionId) ?? null;
    if (!session) throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
  }
  return { user, session, claims };
}

/**
 * Signs an arbitrary access token with the fake's key: the claims of a real one filled in, then
 * `claims` on top (a claim set to undefined is dropped). For tests of token verification.
 */
export async function mintToken(
  ctx: FakeContext,
  claims: Record<string, unknown>,
  opts: { expiresInSeconds?: number; header?: Record<string, unknown> } = {},
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const defaults: Record<string, unknown> = {
    iss: ctx.issuer,
    sub: newId(),
    aud: "authenticated",
    exp: iat + (opts.expiresInSeconds ?? ctx.accessTokenTtlSeconds),
    iat,
    email: "",
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: iat }],
    session_id: newId(),
    is_anonymous: false,
  };
  const merged = Object.fromEntries(Object.entries({ ...defaults, ...claims }).filter(([, v]) => v !== undefined));
  return signEs256(ctx.keys, merged, opts.header);
}
