import { exportSPKI, generateKeyPair, importJWK, SignJWT } from "jose";
import { expect, test, type APIResponse } from "@playwright/test";
import { fakeAuth, newUser, sessionCookie, signWithProjectKey, type TestUser } from "./support/auth";
import { logLinesFor } from "./support/server-log";

/*
 * Access tokens over HTTP against the built app with Supabase sign-in on: the server verifies each
 * one itself against the project's JWKS (served by the loopback Supabase Auth fake). A valid token
 * is accepted; every forged or stale one is a 401 with one `auth.failed` security event that says
 * why — and never contains the token.
 */

let user: TestUser;
let issuer: string;

test.beforeAll(async () => {
  user = await newUser("tokens");
  issuer = (await fakeAuth.keys()).issuer;
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: user.id,
  iss: issuer,
  aud: "authenticated",
  role: "authenticated",
  email: user.email,
  iat: now() - 5,
  exp: now() + 300,
  ...overrides,
});
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function expectRefused(res: APIResponse, token: string, reason: string) {
  expect(res.status()).toBe(401);
  const body = await res.json();
  expect(body.error.code).toBe("unauthorized");
  const requestId = res.headers()["x-request-id"]!;
  const lines = await logLinesFor(requestId, 2_000, "e2e-auth");
  const events = lines.filter((l) => l.security === true);
  expect(events, `one security event for ${requestId}`).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: "auth.failed", reason, requestId });
  if (token) expect(JSON.stringify(lines)).not.toContain(token.split(".")[2] || token);
}

const get = (request: import("@playwright/test").APIRequestContext, token?: string) =>
  request.get("/api/projects", { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

test("a valid token is accepted, from the Authorization header or the session cookie", async ({ request }) => {
  expect((await get(request, user.token)).status()).toBe(200);
  const minted = await signWithProjectKey(claims());
  expect((await get(request, minted)).status()).toBe(200);
  const cookie = sessionCookie(user.session);
  const res = await request.get("/api/projects", { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  expect(res.status()).toBe(200);
});

test("an expired token → 401", async ({ request }) => {
  const token = await signWithProjectKey(claims({ iat: now() - 600, exp: now() - 60 }));
  await expectRefused(await get(request, token), token, "expired");
});

test("a wrong signature → 401: another key under the project's kid, and a tampered payload", async ({ request }) => {
  const rogue = await generateKeyPair("ES256");
  const { kid } = await fakeAuth.keys();
  const forged = await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", typ: "JWT", kid }).sign(rogue.privateKey);
  await expectRefused(await get(request, forged), forged, "bad_signature");
  const [h, , s] = user.token.split(".");
  const tampered = `${h}.${b64url(claims({ sub: "00000000-0000-4000-8000-0000000000ff" }))}.${s}`;
  await expectRefused(await get(request, tampered), tampered, "bad_signature");
});

test("alg: none → 401", async ({ request }) => {
  const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims())}.`;
  await expectRefused(await get(request, token), token, "alg_not_allowed");
});

test("a wrong issuer and a wrong audience → 401", async ({ request }) => {
  const wrongIssuer = await signWithProjectKey(claims({ iss: "https://evil.example/auth/v1" }));
  await expectRefused(await get(request, wrongIssuer), wrongIssuer, "wrong_issuer");
  const wrongAudience = await signWithProjectKey(claims({ aud: "service_role" }));
  await expectRefused(await get(request, wrongAudience), wrongAudience, "wrong_audience");
});

test("HS256 confusion with the public key → 401", async ({ request }) => {
  const { publicJwk } = await fakeAuth.keys();
  const pem = await exportSPKI((await importJWK(publicJwk, "ES256")) as CryptoKey);
  for (const secret of [pem, JSON.stringify(publicJwk)]) {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret));
    await expectRefused(await get(request, token), token, "alg_not_allowed");
  }
});

test("no token → 401", async ({ request }) => {
  await expectRefused(await get(request), "", "missing");
});

test("the project's anon key is not a user → 401", async ({ request }) => {
  const { anonKey } = await fakeAuth.keys();
  const res = await get(request, anonKey);
  expect(res.status()).toBe(401);
});
