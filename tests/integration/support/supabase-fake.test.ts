import { createServerClient } from "@supabase/ssr";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSupabaseFake, type OutboxEmail, type SupabaseFake } from "../../support/supabase-fake";

/**
 * The Supabase Auth fake driven by the real clients: @supabase/supabase-js's createClient (the same
 * GoTrueClient the browser runs) and @supabase/ssr's createServerClient with a cookie jar. Every
 * flow goes over HTTP exactly as it would against a hosted project; email links are followed with
 * fetch(…, { redirect: "manual" }), the way a browser would follow them, and the code is taken from
 * the Location header.
 */

let fake: SupabaseFake;
const APP = "http://127.0.0.1:3000/auth/callback";
const PASSWORD = "correct-horse-battery";

beforeAll(async () => {
  fake = await startSupabaseFake({ external: { github: true } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  Object.assign(fake.settings, { autoconfirm: false, disableSignup: false, refreshTokenReuseIntervalSeconds: 10 });
  fake.settings.external.github = true;
  fake.settings.external.google = false;
});

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
}

/**
 * supabase-js builds its Realtime client eagerly, and on Node 20 (no global WebSocket) that throws
 * "Node.js detected but native WebSocket not found" unless a transport is given. These tests never
 * open a channel, so a transport that refuses to connect is enough.
 */
class NoWebSocket {
  constructor() {
    throw new Error("these tests do not use Realtime");
  }
}
const realtime = { transport: NoWebSocket as unknown as typeof WebSocket };

function client(key = fake.anonKey): SupabaseClient {
  return createClient(fake.url, key, {
    auth: { storage: memoryStorage(), persistSession: true, flowType: "pkce", autoRefreshToken: false, detectSessionInUrl: false },
    realtime,
  });
}

function lastEmail(to: string, type: OutboxEmail["type"]): OutboxEmail {
  const email = fake.emails().filter((e) => e.to === to && e.type === type).at(-1);
  if (!email) throw new Error(`no ${type} email to ${to}; outbox: ${JSON.stringify(fake.emails())}`);
  return email;
}

/** Follows one redirect the way a browser would and returns where it points. */
async function follow(link: string): Promise<URL> {
  const res = await fetch(link, { redirect: "manual" });
  expect([302, 303], `${link} answered ${res.status}: ${await res.clone().text()}`).toContain(res.status);
  return new URL(res.headers.get("location") ?? "");
}

async function codeFrom(link: string): Promise<string> {
  const location = await follow(link);
  expect(`${location.origin}${location.pathname}`).toBe(APP);
  const code = location.searchParams.get("code");
  expect(code).toBeTruthy();
  return code as string;
}

const verifyAgainstJwks = (token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL(`${fake.issuer}/.well-known/jwks.json`)), { issuer: fake.issuer, audience: "authenticated" });

describe("supabase-fake: discovery and the gateway", () => {
  it("serves settings and the JWKS in GoTrue's shapes", async () => {
    const settings = await (await fetch(`${fake.url}/auth/v1/settings`, { headers: { apikey: fake.anonKey } })).json();
    expect(settings).toMatchObject({ external: { email: true, phone: false, github: true, google: false }, disable_signup: false, mailer_autoconfirm: false, phone_autoconfirm: false, sms_provider: "", saml_enabled: false });
    const jwks = await (await fetch(`${fake.issuer}/.well-known/jwks.json`)).json();
    expect(jwks).toEqual(fake.jwks);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: fake.kid });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it("answers 401 without the anon key, as the API gateway does", async () => {
    const res = await fetch(`${fake.url}/auth/v1/settings`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "No API key found in request", hint: expect.any(String) });
    const wrong = await client("not-the-anon-key").auth.signInWithPassword({ email: "a@example.test", password: PASSWORD });
    expect(wrong.error).toMatchObject({ status: 401, message: "Invalid API key" });
  });

  it("answers CORS preflights for any origin and uses the error shape of the requested API version", async () => {
    const preflight = await fetch(`${fake.url}/auth/v1/token?grant_type=password`, {
      method: "OPTIONS",
      headers: { Origin: "http://127.0.0.1:3210", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "apikey,authorization,content-type,x-client-info,x-supabase-api-version" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");

    const body = JSON.stringify({ email: "nobody@example.test", password: PASSWORD });
    const headers = { apikey: fake.anonKey, "Content-Type": "application/json" };
    const versioned = await fetch(`${fake.url}/auth/v1/token?grant_type=password`, { method: "POST", body, headers: { ...headers, "X-Supabase-Api-Version": "2024-01-01" } });
    expect(versioned.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(await versioned.json()).toEqual({ code: "invalid_credentials", message: "Invalid login credentials" });
    const legacy = await fetch(`${fake.url}/auth/v1/token?grant_type=password`, { method: "POST", body, headers });
    expect(await legacy.json()).toEqual({ code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" });
  });
});

describe("supabase-fake: sign-up", () => {
  it("with autoconfirm on returns a session whose access token verifies against the JWKS", async () => {
    fake.settings.autoconfirm = true;
    const { data, error } = await client().auth.signUp({ email: "new@example.test", password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session?.token_type).toBe("bearer");
    expect(data.user?.email_confirmed_at).toBeTruthy();
    const token = data.session?.access_token ?? "";
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", typ: "JWT", kid: fake.kid });
    const { payload } = await verifyAgainstJwks(token);
    expect(payload).toMatchObject({ sub: data.user?.id, email: "new@example.test", phone: "", role: "authenticated", aal: "aal1", is_anonymous: false, app_metadata: { provider: "email", providers: ["email"] } });
    expect(payload.amr).toEqual([{ method: "password", timestamp: expect.any(Number) }]);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(fake.emails()).toEqual([]);
  });

  it("with autoconfirm off sends a confirmation link whose code exchanges for a session", async () => {
    const supabase = client();
    const { data, error } = await supabase.auth.signUp({ email: "confirm@example.test", password: PASSWORD, options: { emailRedirectTo: APP } });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.email_confirmed_at).toBeUndefined();
    const email = lastEmail("confirm@example.test", "signup");
    expect(email.link.startsWith(`${fake.issuer}/verify?token=pkce_`)).toBe(true);
    expect(await supabase.auth.signInWithPassword({ email: "confirm@example.test", password: PASSWORD })).toMatchObject({ error: { code: "email_not_confirmed", status: 400 } });

    const code = await codeFrom(email.link);
    const exchanged = await supabase.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.user?.email_confirmed_at).toBeTruthy();
    expect(decodeJwt(exchanged.data.session?.access_token ?? "").amr).toEqual([{ method: "email/signup", timestamp: expect.any(Number) }]);

    // The link and the code are single use.
    const again = await follow(email.link);
    expect(again.searchParams.get("error")).toBe("access_denied");
    expect(again.searchParams.get("error_code")).toBe("otp_expired");
    expect(new URLSearchParams(again.hash.slice(1)).get("error_description")).toBe("Email link is invalid or has expired");
    const reused = await client().auth.exchangeCodeForSession(code);
    expect(reused.error).not.toBeNull(); // no verifier in this client's storage
    const res = await fetch(`${fake.issuer}/token?grant_type=pkce`, { method: "POST", headers: { apikey: fake.anonKey, "X-Supabase-Api-Version": "2024-01-01" }, body: JSON.stringify({ auth_code: code, code_verifier: "x".repeat(43) }) });
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe("flow_state_not_found");
    expect(fake.requests().filter((r) => r.grantType === "pkce")).toHaveLength(2);
  });

  it("confirms with the six-digit code through verifyOtp", async () => {
    await client().auth.signUp({ email: "code@example.test", password: PASSWORD });
    const { otp } = lastEmail("code@example.test", "signup");
    const { data, error } = await client().auth.verifyOtp({ email: "code@example.test", token: otp, type: "signup" });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe("code@example.test");
    const wrong = await client().auth.verifyOtp({ email: "code@example.test", token: "000000", type: "signup" });
    expect(wrong.error).toMatchObject({ code: "otp_expired", status: 403 });
  });

  it("rejects a weak password and hides or refuses an already registered email", async () => {
    const weak = await client().auth.signUp({ email: "weak@example.test", password: "12345" });
    expect(weak.error).toMatchObject({ name: "AuthWeakPasswordError", code: "weak_password", status: 422, reasons: ["length"] });

    const existing = await fake.createUser("taken@example.test", PASSWORD);
    // Confirmations on: an obfuscated user, no session, no email, nothing that reveals the account.
    const hidden = await client().auth.signUp({ email: "taken@example.test", password: "another-password" });
    expect(hidden.error).toBeNull();
    expect(hidden.data.session).toBeNull();
    expect(hidden.data.user?.id).not.toBe(existing.id);
    expect(hidden.data.user?.identities).toEqual([]);
    expect(fake.emails()).toEqual([]);
    // Autoconfirm on: GoTrue says so outright.
    fake.settings.autoconfirm = true;
    const refused = await client().auth.signUp({ email: "taken@example.test", password: "another-password" });
    expect(refused.error).toMatchObject({ code: "user_already_exists", status: 422, message: "User already registered" });
    fake.settings.disableSignup = true;
    expect((await client().auth.signUp({ email: "late@example.test", password: PASSWORD })).error).toMatchObject({ code: "signup_disabled", status: 422 });
  });
});

describe("supabase-fake: password sign-in, refresh, sign-out", () => {
  it("signs in with the right password only, and only once confirmed", async () => {
    await fake.createUser("pw@example.test", PASSWORD);
    await fake.createUser("unconfirmed@example.test", PASSWORD, { confirmed: false });
    const ok = await client().auth.signInWithPassword({ email: "pw@example.test", password: PASSWORD });
    expect(ok.error).toBeNull();
    expect(ok.data.session?.expires_at).toBe(decodeJwt(ok.data.session?.access_token ?? "").exp);
    expect((await client().auth.signInWithPassword({ email: "pw@example.test", password: "wrong-password" })).error).toMatchObject({ code: "invalid_credentials", status: 400, message: "Invalid login credentials" });
    expect((await client().auth.signInWithPassword({ email: "who@example.test", password: PASSWORD })).error).toMatchObject({ code: "invalid_credentials" });
    expect((await client().auth.signInWithPassword({ email: "unconfirmed@example.test", password: PASSWORD })).error).toMatchObject({ code: "email_not_confirmed", message: "Email not confirmed" });
  });

  it("rotates refresh tokens with GoTrue's reuse rules", async () => {
    await fake.createUser("refresh@example.test", PASSWORD);
    const supabase = client();
    const first = (await supabase.auth.signInWithPassword({ email: "refresh@example.test", password: PASSWORD })).data.session!;
    const second = (await supabase.auth.refreshSession()).data.session!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(decodeJwt(second.access_token).session_id).toBe(decodeJwt(first.access_token).session_id);
    // The parent of the current token is answered with the current token (a client that lost the answer).
    const retried = await client().auth.refreshSession({ refresh_token: first.refresh_token });
    expect(retried.data.session?.refresh_token).toBe(second.refresh_token);

    // Past the reuse interval an older token is refused and the whole token family is revoked.
    fake.settings.refreshTokenReuseIntervalSeconds = 0;
    const third = (await supabase.auth.refreshSession()).data.session!;
    await new Promise((r) => setTimeout(r, 5));
    const stale = await client().auth.refreshSession({ refresh_token: first.refresh_token });
    expect(stale.error).toMatchObject({ code: "refresh_token_already_used", status: 400, message: "Invalid Refresh Token: Already Used" });
    await new Promise((r) => setTimeout(r, 5));
    expect((await client().auth.refreshSession({ refresh_token: third.refresh_token })).error).toMatchObject({ code: "refresh_token_already_used" });
    expect(fake.requests().filter((r) => r.grantType === "refresh_token").map((r) => r.status)).toEqual([200, 200, 200, 400, 400]);
  });

  it("reads the user with the access token and signs out, after which the refresh token is refused", async () => {
    const { id } = await fake.createUser("me@example.test", PASSWORD);
    const supabase = client();
    const session = (await supabase.auth.signInWithPassword({ email: "me@example.test", password: PASSWORD })).data.session!;
    const user = await supabase.auth.getUser(session.access_token);
    expect(user.data.user).toMatchObject({ id, aud: "authenticated", role: "authenticated", email: "me@example.test", app_metadata: { provider: "email" } });
    expect(user.data.user?.identities?.[0]).toMatchObject({ provider: "email", user_id: id, identity_data: { email: "me@example.test", sub: id } });
    const claims = await supabase.auth.getClaims();
    expect(claims.error).toBeNull();
    expect(claims.data?.claims.sub).toBe(id);

    expect((await supabase.auth.getUser("not.a.jwt")).error).toMatchObject({ code: "bad_jwt", status: 403 });
    expect((await supabase.auth.getUser(await fake.mint({}))).error).toMatchObject({ code: "user_not_found", status: 403 });

    expect((await supabase.auth.signOut()).error).toBeNull();
    expect(fake.requests().find((r) => r.path === "/auth/v1/logout")?.status).toBe(204);
    const refused = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refused.error).toMatchObject({ code: "refresh_token_not_found", status: 400 });
    // The access token still verifies (it is a JWT) but its session is gone.
    expect((await client().auth.getUser(session.access_token)).error?.name).toBe("AuthSessionMissingError");
  });
});

describe("supabase-fake: email links", () => {
  it("signs in with a magic link", async () => {
    const { id } = await fake.createUser("magic@example.test", PASSWORD);
    const supabase = client();
    expect((await supabase.auth.signInWithOtp({ email: "magic@example.test", options: { emailRedirectTo: APP } })).error).toBeNull();
    const code = await codeFrom(lastEmail("magic@example.test", "magiclink").link);
    // A wrong verifier is refused and leaves the flow usable, as GoTrue checks it before deleting the flow.
    const wrong = await fetch(`${fake.issuer}/token?grant_type=pkce`, {
      method: "POST",
      headers: { apikey: fake.anonKey, "X-Supabase-Api-Version": "2024-01-01" },
      body: JSON.stringify({ auth_code: code, code_verifier: "w".repeat(56) }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ code: "bad_code_verifier", message: "code challenge does not match previously saved code verifier" });
    const { data, error } = await supabase.auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    expect(decodeJwt(data.session!.access_token).amr).toEqual([{ method: "magiclink", timestamp: expect.any(Number) }]);
    // An unknown address gets the signup confirmation (which also signs in), unless told not to create users.
    await client().auth.signInWithOtp({ email: "stranger@example.test", options: { emailRedirectTo: APP } });
    expect(lastEmail("stranger@example.test", "signup").link).toContain("type=signup");
    const noCreate = await client().auth.signInWithOtp({ email: "nobody@example.test", options: { shouldCreateUser: false } });
    expect(noCreate.error).toMatchObject({ code: "otp_disabled", status: 422 });
  });

  it("resets a password: recovery link, exchange, updateUser, then only the new password works", async () => {
    await fake.createUser("reset@example.test", PASSWORD);
    const supabase = client();
    expect((await supabase.auth.resetPasswordForEmail("reset@example.test", { redirectTo: APP })).error).toBeNull();
    expect((await client().auth.resetPasswordForEmail("unknown@example.test", { redirectTo: APP })).error).toBeNull();
    expect(fake.emails().map((e) => e.to)).toEqual(["reset@example.test"]);

    const code = await codeFrom(lastEmail("reset@example.test", "recovery").link);
    const events: string[] = [];
    supabase.auth.onAuthStateChange((event) => void events.push(event));
    const exchanged = await supabase.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    // The client stored the verifier as "<verifier>/recovery", so the exchange reports a recovery.
    expect(events).toContain("PASSWORD_RECOVERY");
    expect(decodeJwt(exchanged.data.session!.access_token).amr).toEqual([{ method: "recovery", timestamp: expect.any(Number) }]);
    expect((await supabase.auth.updateUser({ password: PASSWORD })).error).toMatchObject({ code: "same_password", status: 422 });
    expect((await supabase.auth.updateUser({ password: "brand-new-password" })).error).toBeNull();

    expect((await client().auth.signInWithPassword({ email: "reset@example.test", password: "brand-new-password" })).error).toBeNull();
    expect((await client().auth.signInWithPassword({ email: "reset@example.test", password: PASSWORD })).error).toMatchObject({ code: "invalid_credentials" });
  });

  it("changes the email after both addresses confirm", async () => {
    fake.settings.autoconfirm = true;
    const supabase = client();
    await supabase.auth.signUp({ email: "old@example.test", password: PASSWORD });
    fake.settings.autoconfirm = false;
    const { data, error } = await supabase.auth.updateUser({ email: "new-address@example.test" }, { emailRedirectTo: APP });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email: "old@example.test", new_email: "new-address@example.test" });
    const first = await follow(lastEmail("old@example.test", "email_change").link);
    expect(first.searchParams.get("message")).toMatch(/Confirmation link accepted/);
    const code = await codeFrom(lastEmail("new-address@example.test", "email_change").link);
    const exchanged = await supabase.auth.exchangeCodeForSession(code);
    expect(exchanged.data.user?.email).toBe("new-address@example.test");
  });
});

describe("supabase-fake: OAuth", () => {
  it("signs in with an enabled provider through the authorize URL and the code", async () => {
    const supabase = client();
    const { data } = await supabase.auth.signInWithOAuth({ provider: "github", options: { redirectTo: APP, skipBrowserRedirect: true } });
    expect(data.url?.startsWith(`${fake.issuer}/authorize?provider=github`)).toBe(true);
    const code = await codeFrom(data.url!);
    const exchanged = await supabase.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.session?.provider_token).toMatch(/^fake-github-access-token-/);
    expect(exchanged.data.user).toMatchObject({ email: "github-user@example.test", app_metadata: { provider: "github", providers: ["github"] } });
    expect(exchanged.data.user?.user_metadata).toMatchObject({ iss: "https://api.github.com", email_verified: true });
    // The same provider identity signs into the same user the next time.
    const again = client();
    const url = (await again.auth.signInWithOAuth({ provider: "github", options: { redirectTo: APP, skipBrowserRedirect: true } })).data.url!;
    expect((await again.auth.exchangeCodeForSession(await codeFrom(url))).data.user?.id).toBe(exchanged.data.user?.id);
  });

  it("refuses a provider that is not enabled, and redirects with an error when signups are off", async () => {
    const { data } = await client().auth.signInWithOAuth({ provider: "google", options: { redirectTo: APP, skipBrowserRedirect: true } });
    const res = await fetch(data.url!, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 400, error_code: "validation_failed", msg: "Unsupported provider: provider is not enabled" });

    fake.settings.disableSignup = true;
    const github = (await client().auth.signInWithOAuth({ provider: "github", options: { redirectTo: APP, skipBrowserRedirect: true } })).data.url!;
    const location = await follow(github);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: "access_denied", error_code: "signup_disabled", error_description: "Signups not allowed for this instance" });
  });
});

describe("supabase-fake: minted tokens", () => {
  it("mints tokens that verify against the served JWKS, with claims overridable and expiry enforced", async () => {
    const token = await fake.mint({ sub: "11111111-1111-4111-8111-111111111111", email: "minted@example.test" });
    const { payload, protectedHeader } = await verifyAgainstJwks(token);
    expect(protectedHeader.kid).toBe(fake.kid);
    expect(payload).toMatchObject({ sub: "11111111-1111-4111-8111-111111111111", email: "minted@example.test", aud: "authenticated", role: "authenticated", aal: "aal1", is_anonymous: false });
    expect(typeof payload.session_id).toBe("string");
    const expired = await fake.mint({}, { expiresInSeconds: -60 });
    await expect(verifyAgainstJwks(expired)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    const otherAudience = await fake.mint({ aud: "somebody-else" });
    await expect(verifyAgainstJwks(otherAudience)).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED" });
  });
});

describe("supabase-fake: @supabase/ssr cookies", () => {
  it("createServerClient keeps the session in sb-127-auth-token cookies, chunked when large, and reads it back", async () => {
    // supabase-js derives the storage key from the URL's hostname: `sb-${hostname.split(".")[0]}-auth-token`,
    // so http://127.0.0.1:PORT gives `sb-127-auth-token` (the port is not part of it). @supabase/ssr stores
    // the session JSON there as "base64-" + base64url; past 3180 characters it splits it into
    // `sb-127-auth-token.0`, `.1`, … A plain email user's session (~2.8 kB) fits in one cookie; a user
    // with more metadata (OAuth users typically) needs chunks.
    await fake.createUser("cookie@example.test", PASSWORD);
    await fake.createUser("big-cookie@example.test", PASSWORD, { userMetadata: { display_name: "Cookie Monster", bio: "c".repeat(600) } });
    const jar = new Map<string, string>();
    const cookies = {
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
      setAll: (list: { name: string; value: string; options: { maxAge?: number } }[]) => {
        for (const { name, value, options } of list) {
          if (options.maxAge === 0) jar.delete(name);
          else jar.set(name, value);
        }
      },
    };
    const reader = () => createServerClient(fake.url, fake.anonKey, { cookies: { getAll: cookies.getAll, setAll: () => {} }, realtime });

    const small = await createServerClient(fake.url, fake.anonKey, { cookies, realtime }).auth.signInWithPassword({ email: "cookie@example.test", password: PASSWORD });
    expect(small.error).toBeNull();
    expect([...jar.keys()]).toEqual(["sb-127-auth-token"]);
    expect(jar.get("sb-127-auth-token")?.startsWith("base64-")).toBe(true);
    expect((await reader().auth.getSession()).data.session?.access_token).toBe(small.data.session?.access_token);

    const big = await createServerClient(fake.url, fake.anonKey, { cookies, realtime }).auth.signInWithPassword({ email: "big-cookie@example.test", password: PASSWORD });
    expect(big.error).toBeNull();
    expect([...jar.keys()].sort()).toEqual(["sb-127-auth-token.0", "sb-127-auth-token.1"]);
    const { data } = await reader().auth.getSession();
    expect(data.session?.access_token).toBe(big.data.session?.access_token);
    expect((await reader().auth.getUser()).data.user?.email).toBe("big-cookie@example.test");
  });
});

describe("supabase-fake: implicit flow and the control API", () => {
  it("puts the session in the fragment for implicit-flow email links", async () => {
    const implicit = createClient(fake.url, fake.anonKey, { auth: { storage: memoryStorage(), flowType: "implicit", autoRefreshToken: false, detectSessionInUrl: false }, realtime });
    await implicit.auth.signUp({ email: "implicit@example.test", password: PASSWORD, options: { emailRedirectTo: APP } });
    const { link } = lastEmail("implicit@example.test", "signup");
    expect(link).not.toContain("pkce_");
    const location = await follow(link);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("type")).toBe("signup");
    expect(fragment.get("token_type")).toBe("bearer");
    const set = await implicit.auth.setSession({ access_token: fragment.get("access_token")!, refresh_token: fragment.get("refresh_token")! });
    expect(set.data.user?.email).toBe("implicit@example.test");
  });

  it("is scriptable over HTTP from another process", async () => {
    const post = (path: string, body: unknown) => fetch(`${fake.url}/__fake/${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("settings", { autoconfirm: true, external: { google: true } })).status).toBe(200);
    expect(fake.settings).toMatchObject({ autoconfirm: true, external: { github: true, google: true } });
    const created = await (await post("users", { email: "ctl@example.test", password: PASSWORD, confirmed: true })).json();
    expect(created).toMatchObject({ email: "ctl@example.test", id: expect.any(String) });
    expect((await post("users", { email: "ctl@example.test", password: PASSWORD })).status).toBe(422);
    const session = await (await post("sign-in", { email: "ctl@example.test", password: PASSWORD })).json();
    expect(session.user.id).toBe(created.id);
    await client().auth.resetPasswordForEmail("ctl@example.test", { redirectTo: APP });
    const emails = await (await fetch(`${fake.url}/__fake/emails?to=ctl@example.test`)).json();
    expect(emails).toEqual([expect.objectContaining({ to: "ctl@example.test", type: "recovery", link: expect.stringContaining("/auth/v1/verify?token=pkce_") })]);
    const keys = await (await fetch(`${fake.url}/__fake/keys`)).json();
    expect(keys).toMatchObject({ kid: fake.kid, anonKey: fake.anonKey, privateJwk: { d: expect.any(String) } });
    const { token } = await (await post("mint", { claims: { sub: created.id }, expiresInSeconds: 60 })).json();
    expect((await verifyAgainstJwks(token)).payload.sub).toBe(created.id);
    const requests = await (await fetch(`${fake.url}/__fake/requests`)).json();
    expect(requests).toContainEqual({ method: "POST", path: "/auth/v1/recover", status: 200 });
    expect((await post("reset", {})).status).toBe(204);
    expect(fake.emails()).toEqual([]);
    expect(fake.requests()).toEqual([]);
    expect((await client().auth.signInWithPassword({ email: "ctl@example.test", password: PASSWORD })).error?.code).toBe("invalid_credentials");
  });
});
