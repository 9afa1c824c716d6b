import { expect, test, type APIRequestContext, type APIResponse, type BrowserContext, type Page, type PlaywrightWorkerArgs } from "@playwright/test";
import { AUTH_URL, SUPABASE_FAKE_URL } from "../../playwright.config";
import { fakeAuth, newUser, sessionCookie, sessionOfCookie, signInThroughApp, signWithProjectKey, uniqueEmail } from "./support/auth";
import { logLinesFor } from "./support/server-log";

/*
 * Sessions over HTTP against the built app, with the Supabase Auth fake behind it: a signed-out
 * session's tokens are refused at once (this session, or every session from another browser, or
 * the others after a password change), the session cookie is HttpOnly, SameSite=Lax, bounded in
 * time and Secure over HTTPS, script in the page cannot read it, and the server refreshes it for
 * API calls as proxy.ts does for pages.
 */

test.describe.configure({ timeout: 90_000 });

const PASSWORD = "correct horse battery staple";
const SESSION = "sb-127-auth-token";
const WEEK = 7 * 24 * 60 * 60;

async function newContext(playwright: PlaywrightWorkerArgs["playwright"], extra: Record<string, string> = {}): Promise<APIRequestContext> {
  return playwright.request.newContext({ baseURL: AUTH_URL, extraHTTPHeaders: extra });
}

/** A context that holds no cookies (nothing signs in through it). */
let bearers: APIRequestContext;
test.beforeAll(async ({ playwright }) => {
  bearers = await newContext(playwright);
});
test.afterAll(() => bearers.dispose());

/** GET /api/projects as a bearer of this token, with no cookie. */
async function asBearer(token: string): Promise<APIResponse> {
  return bearers.get("/api/projects", { headers: { authorization: `Bearer ${token}` } });
}

async function expectRevoked(res: APIResponse) {
  expect(res.status(), await res.text()).toBe(401);
  expect((await res.json()).error.code).toBe("unauthorized");
  const lines = await logLinesFor(res.headers()["x-request-id"]!, 2_000, "e2e-auth");
  const events = lines.filter((l) => l.security === true);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: "auth.failed", reason: "revoked" });
}

async function signInInBrowser(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("account-name")).toContainText(email);
}

async function sessionCookieOf(context: BrowserContext) {
  const cookie = (await context.cookies(AUTH_URL)).find((c) => c.name === SESSION);
  expect(cookie, "the session cookie").toBeDefined();
  return cookie!;
}

/** `iat` counts whole seconds: a sign-in in the very second of a "sign out everywhere" counts as before it. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1_100 - (Date.now() % 1000)));

test("a token from a session signed out in the browser is 401, while the account's other sessions go on", async ({ page, playwright }) => {
  const user = await newUser("sign-out-local");
  await signInInBrowser(page, user.email);
  const value = (await sessionCookieOf(page.context())).value;
  const { access_token: token, refresh_token: refresh } = sessionOfCookie(value);
  expect((await asBearer(token)).status()).toBe(200);

  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("sign-in")).toBeVisible();
  expect((await page.context().cookies(AUTH_URL)).filter((c) => c.name.startsWith(SESSION))).toEqual([]);

  // The token still has most of its hour, and is still validly signed: refused all the same.
  await expectRevoked(await asBearer(token));
  // Replaying the whole cookie does not bring the session back either.
  const replay = await newContext(playwright);
  await expectRevoked(await replay.get("/api/projects", { headers: { cookie: `${SESSION}=${value}` } }));
  await replay.dispose();
  // Supabase ended the session too: its refresh token no longer works there.
  const refreshed = await fetch(`${SUPABASE_FAKE_URL}/auth/v1/token?grant_type=refresh_token`, {
    method: "POST",
    headers: { apikey: (await fakeAuth.keys()).anonKey, "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: refresh }),
  });
  expect(refreshed.status).toBe(400);
  // The account's other session (signed in elsewhere before) is untouched.
  expect((await asBearer(user.token)).status()).toBe(200);
});

test("signing out everywhere from another browser ends the first browser's session at once", async ({ browser }) => {
  const user = await newUser("sign-out-everywhere");
  const first = await browser.newContext({ baseURL: AUTH_URL });
  const second = await browser.newContext({ baseURL: AUTH_URL });
  const a = await first.newPage();
  const b = await second.newPage();
  await signInInBrowser(a, user.email);
  await signInInBrowser(b, user.email);
  const tokenA = sessionOfCookie((await sessionCookieOf(first)).value).access_token;
  expect((await a.request.get("/api/projects")).status()).toBe(200);

  await b.getByTestId("sign-out-everywhere").click();
  await expect(b.getByTestId("sign-in")).toBeVisible();

  // The first browser, which did nothing: its next API call and its next page are refused.
  await expectRevoked(await a.request.get("/api/projects"));
  await expectRevoked(await asBearer(tokenA));
  // So are tokens of sessions the account had before (this one signed in through the fake).
  await expectRevoked(await asBearer(user.token));
  await a.goto("/");
  await expect(a.getByTestId("sign-in")).toBeVisible();
  // Signing in again afterwards is a new session and works.
  await nextSecond();
  await signInInBrowser(a, user.email);
  expect((await a.request.get("/api/projects")).status()).toBe(200);
  await first.close();
  await second.close();
});

test("a new password ends every other session and keeps the one that set it", async ({ playwright }) => {
  const user = await newUser("new-password");
  const [one, two] = [await newContext(playwright), await newContext(playwright)];
  const kept = await signInThroughApp(one, user.email, PASSWORD);
  const other = await signInThroughApp(two, user.email, PASSWORD);
  const res = await one.post("/api/auth/password", { headers: { origin: AUTH_URL }, data: { password: "an entirely new password" } });
  expect(res.status(), await res.text()).toBe(200);
  expect((await one.get("/api/projects")).status()).toBe(200);
  await expectRevoked(await two.get("/api/projects"));
  await expectRevoked(await asBearer(other.session.access_token));
  expect((await asBearer(kept.session.access_token)).status()).toBe(200);
  await one.dispose();
  await two.dispose();
});

test("the session cookie is HttpOnly, SameSite=Lax, bounded by a week, and script in the page cannot read it", async ({ page }) => {
  const user = await newUser("cookie-flags");
  await signInInBrowser(page, user.email);
  const cookie = await sessionCookieOf(page.context());
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe("Lax");
  expect(cookie.secure).toBe(false);
  expect(cookie.path).toBe("/");
  const lifetime = cookie.expires - Date.now() / 1000;
  expect(lifetime).toBeGreaterThan(WEEK - 300);
  expect(lifetime).toBeLessThanOrEqual(WEEK + 5);
  const visible = await page.evaluate(() => document.cookie);
  expect(visible).not.toContain(SESSION);
  expect(visible).not.toContain(sessionOfCookie(cookie.value).access_token.split(".")[1]!);

  // The PKCE verifier of an emailed link is kept the same way, for at most a day.
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await page.getByTestId("mode-magic-link").click();
  await page.getByTestId("email").fill(user.email);
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("auth-info")).toContainText(user.email);
  const verifiers = (await page.context().cookies(AUTH_URL)).filter((c) => c.name.endsWith("-code-verifier"));
  expect(verifiers.length).toBeGreaterThan(0);
  for (const v of verifiers) {
    expect(v).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
    expect(v.expires - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600 + 5);
  }
  expect(await page.evaluate(() => document.cookie)).not.toContain("code-verifier");
  // Once the link has signed the browser in, no verifier is left behind.
  const mail = (await fakeAuth.emails(user.email)).filter((e) => e.type === "magiclink").at(-1)!;
  await page.goto(mail.link);
  await expect(page.getByTestId("account-name")).toContainText(user.email);
  expect((await page.context().cookies(AUTH_URL)).map((c) => c.name).filter((n) => n.endsWith("-code-verifier"))).toEqual([]);
  expect((await sessionCookieOf(page.context())).httpOnly).toBe(true);
});

test("over HTTPS (a trusted proxy's X-Forwarded-Proto) the session cookie is Secure too, from sign-in and from a refresh", async ({ playwright }) => {
  const user = await newUser("cookie-https");
  const https = await newContext(playwright, { "x-forwarded-proto": "https" });
  const origin = AUTH_URL.replace(/^http:/, "https:");
  const res = await https.post("/api/auth/sign-in", { headers: { origin }, data: { email: user.email, password: PASSWORD } });
  expect(res.status(), await res.text()).toBe(200);
  const written = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(`${SESSION}=`));
  expect(written).toHaveLength(1);
  expect(written[0]!.value).toMatch(/;\s*Secure(;|$)/i);
  expect(written[0]!.value).toMatch(/;\s*HttpOnly(;|$)/i);
  expect(written[0]!.value).toMatch(/;\s*SameSite=Lax(;|$)/i);
  expect(written[0]!.value).toMatch(/;\s*Max-Age=604800(;|$)/i);
  // Over plain HTTP the same answer carries no Secure (the browser would drop the cookie).
  const plain = await newContext(playwright);
  const http = await signInThroughApp(plain, user.email, PASSWORD);
  const main = http.setCookies.find((c) => c.startsWith(`${SESSION}=`))!;
  expect(main).not.toMatch(/;\s*Secure(;|$)/i);
  expect(main).toMatch(/;\s*HttpOnly(;|$)/i);

  // A refresh made by the spine for an API call writes the same attributes.
  const expired = await expiredSession(user);
  const refreshed = await https.get("/api/projects", { headers: { cookie: `${expired.name}=${expired.value}` } });
  expect(refreshed.status()).toBe(200);
  const fresh = refreshed.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(`${SESSION}=`));
  expect(fresh?.value).toMatch(/;\s*Secure(;|$)/i);
  expect(fresh?.value).toMatch(/;\s*HttpOnly(;|$)/i);
  await https.dispose();
  await plain.dispose();
});

/** A session cookie whose access token expired a minute ago, with a live refresh token. */
async function expiredSession(user: Awaited<ReturnType<typeof newUser>>) {
  const now = Math.floor(Date.now() / 1000);
  const expired = await signWithProjectKey({
    sub: user.id,
    iss: (await fakeAuth.keys()).issuer,
    aud: "authenticated",
    role: "authenticated",
    email: user.email,
    iat: now - 3600,
    exp: now - 60,
  });
  return sessionCookie({ ...user.session, access_token: expired, expires_at: now - 60 });
}

test("an API call with an expired access token is refreshed by the server and goes through", async ({ playwright }) => {
  const user = await newUser("api-refresh");
  const cookie = await expiredSession(user);
  const ctx = await newContext(playwright);
  const res = await ctx.get("/api/projects", { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  expect(res.status(), await res.text()).toBe(200);
  const fresh = res.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(`${SESSION}=`));
  expect(fresh, "a refreshed session cookie").toBeDefined();
  expect(fresh!.value).toMatch(/HttpOnly/i);
  expect(res.headers()["cache-control"]).toContain("no-store");
  const session = sessionOfCookie(fresh!.value.split(";")[0]!.slice(SESSION.length + 1));
  expect(session.access_token).not.toBe(sessionOfCookie(cookie.value).access_token);
  expect((await asBearer(session.access_token)).status()).toBe(200);
  // A bearer token is the caller's to refresh: an expired one is simply refused.
  const bearer = await asBearer(sessionOfCookie(cookie.value).access_token);
  expect(bearer.status()).toBe(401);
  await ctx.dispose();

  // Signing out with an expiring cookie: the refresh made on the way in does not outlive the sign-out.
  const leaving = await newContext(playwright);
  const out = await leaving.post("/api/auth/sign-out", { headers: { origin: AUTH_URL, cookie: `${cookie.name}=${cookie.value}` }, data: { scope: "local" } });
  expect(out.status(), await out.text()).toBe(200);
  const written = out.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith(SESSION));
  expect(written.length).toBeGreaterThan(0);
  for (const h of written) {
    expect(h.value, h.value).toMatch(/^[^=]+=;/);
    expect(h.value).toMatch(/Max-Age=0/i);
  }
  await leaving.dispose();
});

test("keeping a key, sharing and deleting ask Supabase: a session ended outside Tessera cannot do them", async ({ playwright }) => {
  const user = await newUser("ended-elsewhere");
  const owner = await newContext(playwright);
  await signInThroughApp(owner, user.email, PASSWORD);
  const projectId = `ended-elsewhere-${Date.now()}`;
  const write = async (ctx: APIRequestContext, method: string, url: string, data?: unknown) => {
    const res = await ctx.fetch(url, { method, headers: { origin: AUTH_URL }, ...(data === undefined ? {} : { data }) });
    await res.body();
    return res;
  };
  expect((await write(owner, "POST", "/api/projects", { id: projectId, title: "Still here" })).status()).toBe(201);
  const version = { n: 1, createdAt: new Date().toISOString(), source: "model", title: "v1", template: "html", files: [{ path: "index.html", content: "<h1>v1</h1>" }], dependencies: { npm: [], pip: [] }, entry: "index.html", port: null };
  expect((await write(owner, "POST", `/api/projects/${projectId}/versions`, { version })).status()).toBeLessThan(300);

  const calls: [string, string, string, unknown?][] = [
    ["keeping a key", "PUT", "/api/keys/openai", { apiKey: "sk-test-ended-session-000000000001" }],
    ["making a share link", "POST", `/api/projects/${projectId}/shares`, { version: 1 }],
    ["deleting a project", "DELETE", `/api/projects/${projectId}`],
  ];
  for (const [label, method, url, data] of calls) {
    const ctx = await newContext(playwright);
    const { session } = await signInThroughApp(ctx, user.email, PASSWORD);
    // The session is ended at Supabase directly (another app of the same project, the dashboard…).
    const ended = await fetch(`${SUPABASE_FAKE_URL}/auth/v1/logout?scope=local`, { method: "POST", headers: { apikey: (await fakeAuth.keys()).anonKey, authorization: `Bearer ${session.access_token}` } });
    expect(ended.status).toBe(204);
    // Reading is verified here alone and cannot know yet…
    expect((await ctx.get("/api/projects")).status(), label).toBe(200);
    // …the call that outlives the session asks, is refused, and the session is refused from then on.
    const refused = await write(ctx, method, url, data);
    expect(refused.status(), `${label}: ${await refused.text()}`).toBe(401);
    const lines = await logLinesFor(refused.headers()["x-request-id"]!, 2_000, "e2e-auth");
    expect(lines.filter((l) => l.security === true), label).toMatchObject([{ event: "auth.failed", reason: "session_ended" }]);
    await expectRevoked(await ctx.get("/api/projects"));
    await expectRevoked(await asBearer(session.access_token));
    await ctx.dispose();
  }
  // Nothing was done: no key kept, no link made, the project still there — and a live session may.
  expect((await (await owner.get("/api/keys")).json()).keys).toEqual([]);
  expect((await (await owner.get(`/api/projects/${projectId}/shares`)).json()).shares).toEqual([]);
  expect((await write(owner, "PUT", "/api/keys/openai", { apiKey: "sk-test-live-session-0000000000001" })).status()).toBe(200);
  expect((await write(owner, "POST", `/api/projects/${projectId}/shares`, { version: 1 })).status()).toBeLessThan(300);
  expect((await write(owner, "DELETE", `/api/projects/${projectId}`)).status()).toBe(200);
  await owner.dispose();
});

test("the sign-in endpoints refuse other sites, set no session on failure, and limit guesses per address", async ({ playwright }) => {
  const user = await newUser("endpoints");
  const ctx = await newContext(playwright);
  // Login CSRF: a page elsewhere posting credentials to sign the visitor in as someone else.
  const csrf = await ctx.post("/api/auth/sign-in", { headers: { origin: "https://evil.example" }, data: { email: user.email, password: PASSWORD } });
  expect(csrf.status()).toBe(403);
  expect(csrf.headers()["set-cookie"]).toBeUndefined();
  const wrong = await ctx.post("/api/auth/sign-in", { headers: { origin: AUTH_URL }, data: { email: user.email, password: "not it" } });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).error.message).toBe("That email and password do not match an account.");
  expect(wrong.headers()["set-cookie"]).toBeUndefined();
  expect(JSON.stringify(await logLinesFor(wrong.headers()["x-request-id"]!, 2_000, "e2e-auth"))).not.toContain(user.email);
  // Guessing from one address (behind the trusted proxy, its own bucket) runs into the limit; others do not.
  const guesser = await newContext(playwright, { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 200) + 20}` });
  let limited: APIResponse | undefined;
  for (let i = 0; i < 100 && !limited; i++) {
    const res = await guesser.post("/api/auth/sign-in", { headers: { origin: AUTH_URL }, data: { email: uniqueEmail("nobody"), password: `guess-${i}` } });
    if (res.status() === 429) limited = res;
    else expect(res.status()).toBe(401);
  }
  expect(limited, "the limit was reached").toBeDefined();
  expect(Number(limited!.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await signInThroughApp(ctx, user.email, PASSWORD)).session.access_token).toBeTruthy();
  await ctx.dispose();
  await guesser.dispose();
});
