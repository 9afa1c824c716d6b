import { accessTokenFromCookies, authStorageKey, bearerToken } from "./cookies";
import type { AuthResult, Authenticator } from "./types";
import { TokenVerifier } from "./verify";

export interface SupabaseAuthOptions {
  url: string;
  anonKey: string;
  jwtSecret?: string;
}

/** Supabase's JWTs carry this audience for signed-in users. */
export const SUPABASE_AUDIENCE = "authenticated";

/**
 * Supabase sign-in: the caller is whoever the access token (Authorization: Bearer, or the session
 * cookie @supabase/ssr keeps) says, once its signature, expiry, issuer and audience check out here.
 */
export class SupabaseAuthenticator implements Authenticator {
  readonly name = "supabase";
  readonly storageKey: string;
  readonly verifier: TokenVerifier;

  constructor(options: SupabaseAuthOptions) {
    this.storageKey = authStorageKey(options.url);
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
    return { principal: { userId: verified.userId, kind: "supabase", ...(verified.email ? { email: verified.email } : {}) } };
  }
}
