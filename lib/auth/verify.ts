import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";

/**
 * Verifies Supabase access tokens on this server, with no call to Supabase per request: the
 * signature against the project's published keys (JWKS) or, for projects still on the shared
 * HS256 secret, that secret; then expiry, issuer, audience and the claims Tessera relies on.
 *
 * The algorithm is chosen by what the server holds, never by the token: asymmetric algorithms
 * only against the JWKS, HS256 only when a secret is configured. So `alg: none` and the classic
 * confusion (an HS256 token "signed" with the public key as the HMAC secret) are refused.
 */

export type TokenFailure = "missing" | "malformed" | "expired" | "bad_signature" | "wrong_issuer" | "wrong_audience" | "alg_not_allowed" | "bad_claims" | "keys_unavailable";

export type Verified =
  | { ok: true; userId: string; email?: string; /** The `session_id` claim (Supabase sessions). */ sessionId?: string; /** `iat`, in seconds. */ issuedAt: number; claims: JWTPayload }
  | { ok: false; reason: TokenFailure };

export interface VerifierOptions {
  /** `<supabase url>/auth/v1`: what Supabase puts in `iss`. */
  issuer: string;
  audience: string;
  /** Where the project's public keys are published. */
  jwksUrl?: URL;
  /** Headers for the JWKS request (Supabase's gateway accepts the anon key as `apikey`). */
  jwksHeaders?: Record<string, string>;
  /** The legacy shared secret, when the project still signs with HS256. */
  secret?: string;
  /** Least time between two JWKS fetches for unknown key ids (default 30 s). */
  jwksCooldownMs?: number;
  /** Seconds of clock difference tolerated on exp/iat/nbf. */
  clockToleranceSec?: number;
}

const ASYMMETRIC = ["ES256", "RS256", "EdDSA", "ES384", "RS384", "PS256"];
/**
 * The longest an access token may live: Supabase caps a project's JWT expiry at one week. A token
 * claiming more is refused, so the revocation list can rely on keeping its rows this long.
 */
export const LONGEST_TOKEN_LIFETIME_SEC = 7 * 24 * 60 * 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TokenVerifier {
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly secret?: Uint8Array;

  constructor(private readonly options: VerifierOptions) {
    if (options.jwksUrl) {
      this.jwks = createRemoteJWKSet(options.jwksUrl, {
        timeoutDuration: 3_000,
        // A token signed with a key rotated in since the last fetch triggers one refetch, at most every 30 s.
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
        headers: options.jwksHeaders,
      });
    }
    if (options.secret) this.secret = new TextEncoder().encode(options.secret);
  }

  async verify(token: string | null | undefined): Promise<Verified> {
    if (!token) return { ok: false, reason: "missing" };
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return { ok: false, reason: "malformed" };
    }
    const common = { issuer: this.options.issuer, audience: this.options.audience, clockTolerance: this.options.clockToleranceSec ?? 5, requiredClaims: ["exp", "sub", "iat"] };
    try {
      let payload: JWTPayload;
      if (alg === "HS256") {
        if (!this.secret) return { ok: false, reason: "alg_not_allowed" };
        payload = (await jwtVerify(token, this.secret, { ...common, algorithms: ["HS256"] })).payload;
      } else if (alg && ASYMMETRIC.includes(alg)) {
        if (!this.jwks) return { ok: false, reason: "alg_not_allowed" };
        payload = (await jwtVerify(token, this.jwks, { ...common, algorithms: ASYMMETRIC })).payload;
      } else {
        return { ok: false, reason: "alg_not_allowed" };
      }
      // A signed token is not yet a user: the anon and service keys are signed by the same project.
      if (typeof payload.sub !== "string" || !UUID.test(payload.sub) || payload.role !== "authenticated") return { ok: false, reason: "bad_claims" };
      // Revocations are matched by issue time and session, so both must be what they claim to be.
      if (payload.exp! - payload.iat! > LONGEST_TOKEN_LIFETIME_SEC) return { ok: false, reason: "bad_claims" };
      if (payload.session_id !== undefined && (typeof payload.session_id !== "string" || !UUID.test(payload.session_id))) return { ok: false, reason: "bad_claims" };
      const email = typeof payload.email === "string" && payload.email ? payload.email : undefined;
      const sessionId = typeof payload.session_id === "string" ? payload.session_id.toLowerCase() : undefined;
      return { ok: true, userId: payload.sub.toLowerCase(), issuedAt: payload.iat!, ...(sessionId ? { sessionId } : {}), ...(email ? { email } : {}), claims: payload };
    } catch (err) {
      return { ok: false, reason: failureOf(err) };
    }
  }
}

function failureOf(err: unknown): TokenFailure {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "iss") return "wrong_issuer";
    if (err.claim === "aud") return "wrong_audience";
    return "bad_claims";
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return "bad_signature";
  if (err instanceof errors.JOSEAlgNotAllowed) return "alg_not_allowed";
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return "keys_unavailable";
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return "malformed";
  // A failed JWKS fetch (connection refused, non-200) surfaces as a plain error.
  if (err instanceof errors.JOSEError) return "malformed";
  return "keys_unavailable";
}
