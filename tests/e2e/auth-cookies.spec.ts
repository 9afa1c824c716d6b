import { expect, test, type APIRequestContext } from "@playwright/test";
import { AUTH_URL } from "../../playwright.config";
import { fakeAuth, newUser, sessionOfCookie, signInThroughApp } from "./support/auth";
import { asBearer as bearerGet, expiredSession, newContext, PASSWORD, SESSION, sessionCookieOf, signInInBrowser } from "./support/sessions";

/*
 * The session cookie over HTTP against the built app: HttpOnly, SameSite=Lax, bounded in time and
 * Secure over HTTPS, written so by every path that writes it (sign-in, an emailed link, a refresh),
 * unreadable by script in the page, and refreshed by the server for API calls as proxy.ts does for
 * pages.
 */

test.describe.configure({ timeout: 90_000 });

const WEEK = 7 * 24 * 60 * 60;

/** A context that holds no cookies (nothing signs in through it). */
let bearers: APIRequestContext;
test.beforeAll(async ({ playwright }) => {
  bearers = await newContext(playwright);
});
test.afterAll(() => bearers.dispose());
const asBearer = (token: string) => bearerGet(bearers, token);

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
