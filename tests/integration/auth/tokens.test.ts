import http from "node:http";
import type { AddressInfo } from "node:net";
import { createChunks, stringToBase64URL } from "@supabase/ssr";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authStorageKey } from "@/lib/auth/cookies";
import { revocationList } from "@/lib/auth/revocations";
import { SupabaseAuthenticator } from "@/lib/auth/supabase";
import { TokenVerifier } from "@/lib/auth/verify";
import type { Orm } from "@/lib/db/open";
import { pgliteDatabase } from "../db/databases";

/**
 * Token verification against a JWKS endpoint on loopback, with keys minted here: what a real
 * Supabase project publishes at /auth/v1/.well-known/jwks.json, and every way a token can be wrong.
 */

const USER = "6f1c2f0e-3a41-4d5b-9c2e-1b2a3c4d5e6f";

let server: http.Server;
let base: string;
let issuer: string;
let jwks: { keys: JWK[] } = { keys: [] };
let jwksRequests = 0;
let es: CryptoKeyPair;
let rs: CryptoKeyPair;
let rogue: CryptoKeyPair;
let publicJwk: JWK;

beforeAll(async () => {
  es = await generateKeyPair("ES256", { extractable: true });
  rs = await generateKeyPair("RS256", { extractable: true });
  rogue = await generateKeyPair("ES256", { extractable: true });
  publicJwk = { ...(await exportJWK(es.publicKey)), kid: "es-1", alg: "ES256", use: "sig" };
  jwks = { keys: [publicJwk, { ...(await exportJWK(rs.publicKey)), kid: "rs-1", alg: "RS256", use: "sig" }] };
  server = http.createServer((req, res) => {
    if (req.url === "/auth/v1/.well-known/jwks.json") {
      jwksRequests++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${base}/auth/v1`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

// The revocation list the authenticator checks, in a real (embedded) database.
const database = pgliteDatabase();
let db: Orm;
beforeAll(async () => {
  db = (await database.open()).orm;
});
afterAll(() => database.cleanup());
const authenticatorOf = () => new SupabaseAuthenticator({ url: base, anonKey: "anon", revocations: revocationList(async () => db) });

interface MintOptions {
  key?: CryptoKey | Uint8Array;
  alg?: string;
  kid?: string;
  claims?: Record<string, unknown>;
  expiresIn?: number;
}

function mint({ key = es.privateKey, alg = "ES256", kid = "es-1", claims = {}, expiresIn = 300 }: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: USER, iss: issuer, aud: "authenticated", role: "authenticated", email: "a@example.test", iat: now - 10, exp: now + expiresIn, ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT", kid }).sign(key);
}

const b64url = (s: string) => Buffer.from(s).toString("base64url");

const verifier = () => new TokenVerifier({ issuer, audience: "authenticated", jwksUrl: new URL(`${issuer}/.well-known/jwks.json`) });

describe("access tokens, verified locally against the project's JWKS", () => {
  it("accepts a valid ES256 token and a valid RS256 token", async () => {
    const v = verifier();
    expect(await v.verify(await mint())).toMatchObject({ ok: true, userId: USER, email: "a@example.test" });
    expect(await v.verify(await mint({ key: rs.privateKey, alg: "RS256", kid: "rs-1" }))).toMatchObject({ ok: true, userId: USER });
  });

  it("refuses an expired token", async () => {
    expect(await verifier().verify(await mint({ expiresIn: -60 }))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a wrong signature: another key under the published kid, and a tampered payload", async () => {
    const v = verifier();
    expect(await v.verify(await mint({ key: rogue.privateKey }))).toEqual({ ok: false, reason: "bad_signature" });
    const [h, , s] = (await mint()).split(".");
    const forged = `${h}.${b64url(JSON.stringify({ sub: "00000000-0000-4000-8000-000000000099", role: "authenticated", iss: issuer, aud: "authenticated", exp: 9999999999 }))}.${s}`;
    expect(await v.verify(forged)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses alg: none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify({ sub: USER, role: "authenticated", iss: issuer, aud: "authenticated", exp: now + 300 }))}.`;
    expect(await verifier().verify(none)).toEqual({ ok: false, reason: "alg_not_allowed" });
  });

  it("refuses a wrong issuer and a wrong audience", async () => {
    const v = verifier();
    expect(await v.verify(await mint({ claims: { iss: "https://evil.example/auth/v1" } }))).toEqual({ ok: false, reason: "wrong_issuer" });
    expect(await v.verify(await mint({ claims: { aud: "anon" } }))).toEqual({ ok: false, reason: "wrong_audience" });
  });

  it("refuses HS256 confusion: a token HMAC-signed with the public key (PEM, JWK JSON or raw x)", async () => {
    const v = verifier();
    const secrets = [await exportSPKI(es.publicKey), JSON.stringify(publicJwk), publicJwk.x!];
    for (const secret of secrets) {
      const token = await mint({ key: new TextEncoder().encode(secret), alg: "HS256" });
      expect(await v.verify(token), secret.slice(0, 20)).toEqual({ ok: false, reason: "alg_not_allowed" });
    }
  });

  it("refuses a missing or malformed token", async () => {
    const v = verifier();
    expect(await v.verify(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(await v.verify("")).toEqual({ ok: false, reason: "missing" });
    expect(await v.verify("not.a.jwt")).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a token without the claims signed-out sessions are matched by: no iat, a lifetime past a week, a session_id that is no uuid", async () => {
    const v = verifier();
    const now = Math.floor(Date.now() / 1000);
    const noIat = await new SignJWT({ sub: USER, iss: issuer, aud: "authenticated", role: "authenticated", exp: now + 300 }).setProtectedHeader({ alg: "ES256", kid: "es-1" }).sign(es.privateKey);
    expect(await v.verify(noIat)).toEqual({ ok: false, reason: "bad_claims" });
    expect(await v.verify(await mint({ claims: { iat: now - 10 }, expiresIn: 7 * 24 * 3600 }))).toEqual({ ok: false, reason: "bad_claims" });
    expect(await v.verify(await mint({ claims: { iat: now - 10 }, expiresIn: 7 * 24 * 3600 - 20 }))).toMatchObject({ ok: true });
    for (const sessionId of ["not-a-uuid", "", 42, null]) {
      expect(await v.verify(await mint({ claims: { session_id: sessionId } })), String(sessionId)).toEqual({ ok: false, reason: "bad_claims" });
    }
    const session = "5d0c1a8e-2b3f-4c5d-8e9f-0a1b2c3d4e5f";
    expect(await v.verify(await mint({ claims: { session_id: session.toUpperCase() } }))).toMatchObject({ ok: true, sessionId: session });
  });

  it("refuses a validly signed token that is not a signed-in user (the anon role, no uuid subject)", async () => {
    const v = verifier();
    expect(await v.verify(await mint({ claims: { role: "anon" } }))).toEqual({ ok: false, reason: "bad_claims" });
    expect(await v.verify(await mint({ claims: { sub: "admin" } }))).toEqual({ ok: false, reason: "bad_claims" });
  });

  it("with the legacy HS256 secret configured: accepts the project's HS256 tokens only", async () => {
    const secret = "a-super-secret-jwt-token-with-at-least-32-characters";
    const v = new TokenVerifier({ issuer, audience: "authenticated", secret, jwksUrl: new URL(`${issuer}/.well-known/jwks.json`) });
    expect(await v.verify(await mint({ key: new TextEncoder().encode(secret), alg: "HS256" }))).toMatchObject({ ok: true, userId: USER });
    expect(await v.verify(await mint({ key: new TextEncoder().encode(secret + "x"), alg: "HS256" }))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await v.verify(await mint({ key: new TextEncoder().encode(await exportSPKI(es.publicKey)), alg: "HS256" }))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await v.verify(await mint()), "asymmetric tokens still verify against the JWKS").toMatchObject({ ok: true });
  });

  it("picks up a rotated key by fetching the JWKS again for an unknown kid", async () => {
    // The refetch is rate-limited (30 s by default, so a flood of unknown kids cannot hammer the
    // project's JWKS); shortened here so the test need not wait.
    const v = new TokenVerifier({ issuer, audience: "authenticated", jwksUrl: new URL(`${issuer}/.well-known/jwks.json`), jwksCooldownMs: 0 });
    expect(await v.verify(await mint())).toMatchObject({ ok: true });
    const fresh = await generateKeyPair("ES256", { extractable: true });
    jwks = { keys: [...jwks.keys, { ...(await exportJWK(fresh.publicKey)), kid: "es-2", alg: "ES256", use: "sig" }] };
    const before = jwksRequests;
    expect(await v.verify(await mint({ key: fresh.privateKey, kid: "es-2" }))).toMatchObject({ ok: true });
    expect(jwksRequests).toBe(before + 1);
  });

  it("says the keys are unavailable when the JWKS cannot be fetched, instead of accepting or crashing", async () => {
    const v = new TokenVerifier({ issuer, audience: "authenticated", jwksUrl: new URL("http://127.0.0.1:9/auth/v1/.well-known/jwks.json") });
    expect(await v.verify(await mint())).toEqual({ ok: false, reason: "keys_unavailable" });
  });
});

describe("the Supabase authenticator reads the token from Authorization or the session cookie", () => {
  const session = async () => ({ access_token: await mint(), refresh_token: "r", token_type: "bearer", expires_in: 300, expires_at: 0, user: { id: USER, padding: "x".repeat(5000) } });

  it("accepts a bearer token and a chunked @supabase/ssr session cookie", async () => {
    const auth = authenticatorOf();
    const bearer = await auth.authenticate(new Headers({ authorization: `Bearer ${await mint()}` }));
    expect(bearer.principal).toEqual({ userId: USER, kind: "supabase", email: "a@example.test" });
    const value = `base64-${stringToBase64URL(JSON.stringify(await session()))}`;
    const chunks = createChunks(authStorageKey(base), value);
    expect(chunks.length).toBeGreaterThan(1);
    const cookie = [...chunks.map((c) => `${c.name}=${c.value}`), "other=1"].join("; ");
    expect((await auth.authenticate(new Headers({ cookie }))).principal?.userId).toBe(USER);
  });

  it("refuses a verified token of a signed-out session, and every older token of a user signed out everywhere", async () => {
    const auth = authenticatorOf();
    const [ended, live] = ["0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", "1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"];
    const tokenOf = async (sessionId: string) => new Headers({ authorization: `Bearer ${await mint({ claims: { session_id: sessionId } })}` });
    expect((await auth.authenticate(await tokenOf(ended))).principal).toMatchObject({ userId: USER, sessionId: ended });
    await auth.revocations.revoke(USER, { sessionId: ended, reason: "sign_out" });
    expect(await auth.authenticate(await tokenOf(ended))).toEqual({ principal: null, reason: "revoked" });
    expect((await auth.authenticate(await tokenOf(live))).principal).toMatchObject({ sessionId: live });
    // Signing out everywhere: every token issued so far is refused, whichever session.
    await auth.revocations.revoke(USER, { before: new Date(), reason: "sign_out_everywhere" });
    expect(await auth.authenticate(await tokenOf(live))).toEqual({ principal: null, reason: "revoked" });
    expect(await auth.authenticate(new Headers({ authorization: `Bearer ${await mint()}` }))).toEqual({ principal: null, reason: "revoked" });
    // A token issued after that moment (past the clock allowance) is someone signing in again.
    const later = Math.floor(Date.now() / 1000) + 30;
    const fresh = await mint({ claims: { session_id: "2e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", iat: later } });
    expect((await auth.authenticate(new Headers({ authorization: `Bearer ${fresh}` }))).principal).toMatchObject({ userId: USER });
  });

  it("refuses everyone, saying why, when the revocation list cannot be read", async () => {
    const broken = new SupabaseAuthenticator({ url: base, anonKey: "anon", revocations: revocationList(async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"))) });
    await expect(broken.authenticate(new Headers({ authorization: `Bearer ${await mint()}` }))).rejects.toMatchObject({ code: "unavailable:database" });
  });

  it("refuses a missing token and a damaged cookie, saying why", async () => {
    const auth = authenticatorOf();
    expect(await auth.authenticate(new Headers())).toEqual({ principal: null, reason: "missing" });
    expect(await auth.authenticate(new Headers({ cookie: `${authStorageKey(base)}=base64-%%%` }))).toEqual({ principal: null, reason: "missing" });
    expect(await auth.authenticate(new Headers({ authorization: `Bearer ${await mint({ expiresIn: -60 })}` }))).toEqual({ principal: null, reason: "expired" });
  });
});
