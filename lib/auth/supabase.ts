import { AppError } from "../errors";
import { log } from "../log";
import { accessTokenFromCookies, authStorageKey, bearerToken } from "./cookies";
import { authServerMoment } from "./revocations";
import type { AuthResult, Authenticator, Principal, RevocationList } from "./types";
import { TokenVerifier } from "./verify";

export interface SupabaseAuthOptions {
  url: string;
  anonKey: string;
  jwtSecret?: string;
  /** Signed-out sessions: a verified token of one of them is refused. */
  revocations: RevocationList;
}

/** Supabase's JWTs carry this audience for signed-in users. */
export const SUPABASE_AUDIENCE = "authenticated";

/**
 * Supabase sign-in: the caller is whoever the access token (Authorization: Bearer, or the session
 * cookie) says, once its signature, expiry, issuer and audience check out here and its session has
 * not been signed out (the revocation list, looked up on every call).
 */
export class SupabaseAuthenticator implements Authenticator {
  readonly name = "supabase";
  readonly storageKey: string;
  readonly verifier: TokenVerifier;
  readonly revocations: RevocationList;
  private readonly url: string;
  private readonly anonKey: string;

  constructor(options: SupabaseAuthOptions) {
    this.url = options.url;
    this.anonKey = options.anonKey;
    this.storageKey = authStorageKey(options.url);
    this.revocations = options.revocations;
    this.verifier = new TokenVerifier({
      issuer: `${options.url}/auth/v1`,
      audience: SUPABASE_AUDIENCE,
      jwksUrl: new URL(`${options.url}/auth/v1/.well-known/jwks.json`),
      jwksHeaders: { apikey: options.anonKey },
      ...(options.jwtSecret ? { secret: options.jwtSecret } : {}),
    });
  }

  async authenticate(headers: Headers): Promise<AuthResult> {
    const token = bearerToken(headers.get("authorization")) ?? (await accessTokenFromCookies(headers.get("cookie"), this.storageKey));
    const verified = await this.verifier.verify(token);
    if (!verified.ok) return { principal: null, reason: verified.reason };
    const { userId, sessionId, issuedAt, email } = verified;
    if (await this.revocations.isRevoked(userId, { issuedAt, ...(sessionId ? { sessionId } : {}) })) return { principal: null, reason: "revoked" };
    return {
      principal: { userId, kind: "supabase", ...(email ? { email } : {}), ...(sessionId ? { sessionId } : {}) },
      accessToken: token!,
    };
  }

  /**
   * GET /auth/v1/user with the caller's token: Supabase answers only while the session exists.
   * The spine asks this for calls whose effects outlive the request (keeping an API key, making a
   * share link, deleting a project), so a session ended where Tessera could not see it (another
   * app of the same project, the dashboard, a banned or deleted user) cannot do them. What it learns
   * goes on the revocation list, so the session's other tokens are refused here from then on.
   */
  async confirm(principal: Principal, accessToken: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    let response: Response;
    let body: { id?: unknown; code?: unknown; error_code?: unknown } | null;
    try {
      response = await fetch(`${this.url}/auth/v1/user`, {
        headers: { apikey: this.anonKey, authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(5_000),
        cache: "no-store",
      });
      body = (await response.json().catch(() => null)) as typeof body;
    } catch (err) {
      log().warn({ err }, "could not confirm a session with Supabase");
      throw new AppError("unavailable:auth", "The sign-in service could not confirm your session just now. Try again in a moment.");
    }
    if (response.ok) {
      return typeof body?.id === "string" && body.id.toLowerCase() === principal.userId ? { ok: true } : { ok: false, reason: "session_mismatch" };
    }
    const code = typeof body?.error_code === "string" ? body.error_code : typeof body?.code === "string" ? body.code : "";
    if (code === "session_not_found" && principal.sessionId) {
      await this.revocations.revoke(principal.userId, { sessionId: principal.sessionId, reason: "session_ended" });
      return { ok: false, reason: "session_ended" };
    }
    if (code === "session_not_found" || code === "user_not_found" || code === "user_banned") {
      await this.revocations.revoke(principal.userId, { before: authServerMoment(response), reason: "session_ended" });
      return { ok: false, reason: "session_ended" };
    }
    if (response.status >= 500 || response.status === 429) {
      throw new AppError("unavailable:auth", "The sign-in service could not confirm your session just now. Try again in a moment.");
    }
    // Anything else (a token Supabase will not read, a gateway refusing the key): not confirmed.
    log().warn({ status: response.status, code }, "Supabase refused to confirm a session");
    return { ok: false, reason: "not_confirmed" };
  }
}
