import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { AUTH_URL, SUPABASE_FAKE_URL } from "../../playwright.config";
import { fakeAuth, newUser, sessionOfCookie, signInThroughApp, uniqueEmail } from "./support/auth";
import { logLinesFor } from "./support/server-log";
import { asBearer as bearerGet, expectRevoked, newContext, PASSWORD, SESSION, sessionCookieOf, signInInBrowser } from "./support/sessions";

/*
 * Signed-out sessions over HTTP against the built app, with the Supabase Auth fake behind it: a
 * signed-out session's tokens are refused at once — this session, every session from another
 * browser, the others after a new password — calls whose effects outlive the session ask Supabase
 * whether it still exists, and the sign-in endpoints hold to the spine.
 */

test.describe.configure({ timeout: 90_000 });

/** A context that holds no cookies (nothing signs in through it). */
let bearers: APIRequestContext;
test.beforeAll(async ({ playwright }) => {
  bearers = await newContext(playwright);
});
test.afterAll(() => bearers.dispose());
const asBearer = (token: string) => bearerGet(bearers, token);

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
