import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from "jose";

/**
 * Keys and token helpers for the Supabase Auth fake. Access tokens are ES256 JWTs with a `kid`, as a
 * project on asymmetric signing keys issues them; the anon key is an HS256 JWT signed with the
 * project's legacy JWT secret, exactly like a real project's anon key (and GoTrue still accepts
 * HS256 tokens without a `kid`, which is how the anon key reaches GET /user as a "JWT").
 */

/** The JWT secret Supabase's self-hosting guide ships as its placeholder. Only the anon key uses it. */
export const FAKE_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

const b64url = (input: Buffer | string) => Buffer.from(input).toString("base64url");

function signHs256(secret: string, payload: Record<string, unknown>): string {
  const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/**
 * A fixed anon key (fixed claims, fixed secret), so an e2e launcher can hand the same key to the app
 * and the fake without asking the fake first. Shaped like a real project's: iss, ref, role "anon".
 */
export const FAKE_ANON_KEY = signHs256(FAKE_JWT_SECRET, {
  iss: "supabase",
  ref: "supabase-fake",
  role: "anon",
  iat: 1_735_689_600, // 2025-01-01
  exp: 2_050_000_000,
});

export interface KeyMaterial {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
  hsSecret: Uint8Array;
}

export async function createKeyMaterial(): Promise<KeyMaterial> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = randomUUID();
  // The JWKS entry as Supabase serves it: the public EC key plus kid, alg, use, key_ops, ext.
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig", key_ops: ["verify"], ext: true } as JsonWebKey;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" } as JsonWebKey;
  return { kid, privateKey, publicKey, publicJwk, privateJwk, hsSecret: new TextEncoder().encode(FAKE_JWT_SECRET) };
}

export async function signEs256(keys: KeyMaterial, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: "ES256", typ: "JWT", kid: keys.kid, ...header }).sign(keys.privateKey);
}

/**
 * Verifies a bearer token the way GoTrue's parseJWTClaims does: a `kid` selects one of the
 * asymmetric keys, an HS256 token without a `kid` is checked against the JWT secret, anything else
 * is refused. Throws an Error whose message follows golang-jwt's wording closely enough for logs.
 */
export async function verifyBearer(keys: KeyMaterial, token: string): Promise<JWTPayload> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new Error("token is malformed: could not JSON decode header");
  }
  if (typeof header.kid === "string") {
    if (header.kid !== keys.kid) throw new Error(`token is unverifiable: error while executing keyfunc: invalid kid: ${header.kid}`);
    return (await verifyOrExplain(token, keys.publicKey, ["ES256"])).payload;
  }
  if (header.alg === "HS256") return (await verifyOrExplain(token, keys.hsSecret, ["HS256"])).payload;
  throw new Error("token is unverifiable: error while executing keyfunc: missing kid");
}

async function verifyOrExplain(token: string, key: CryptoKey | Uint8Array, algorithms: string[]) {
  try {
    return await jwtVerify(token, key, { algorithms });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED") throw new Error("token has invalid claims: token is expired");
    if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") throw new Error("token signature is invalid: crypto/ecdsa: verification error");
    throw new Error(`token is malformed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** RFC 7636 check, as FlowState.VerifyPKCE: `s256` compares base64url(sha256(verifier)), `plain` compares as is. */
export function pkceMatches(method: string, challenge: string, verifier: string): boolean {
  const expected = method === "s256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GoTrue's one-time token hash: hex(sha224(email + otp)). The email link carries it (prefixed `pkce_` for PKCE). */
export const tokenHash = (emailOrPhone: string, otp: string) => createHash("sha224").update(emailOrPhone + otp).digest("hex");

/** A six-digit email OTP, the {{ .Token }} of GoTrue's templates. */
export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, "0");

const REFRESH_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Refresh tokens in GoTrue's classic format: 12 random lowercase alphanumerics. */
export function newRefreshToken(): string {
  const bytes = randomBytes(12);
  let out = "";
  for (const byte of bytes) out += REFRESH_ALPHABET[byte % REFRESH_ALPHABET.length];
  return out;
}

export const newId = () => randomUUID();
