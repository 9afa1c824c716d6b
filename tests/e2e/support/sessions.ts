import { expect, type APIRequestContext, type APIResponse, type BrowserContext, type Page, type PlaywrightWorkerArgs } from "@playwright/test";
import { AUTH_URL } from "../../../playwright.config";
import { fakeAuth, sessionCookie, signWithProjectKey, type TestUser } from "./auth";
import { logLinesFor } from "./server-log";

/** What the session specs share: the session cookie's name, contexts, and the usual checks. */

export const PASSWORD = "correct horse battery staple";
export const SESSION = "sb-127-auth-token";

export async function newContext(playwright: PlaywrightWorkerArgs["playwright"], extra: Record<string, string> = {}): Promise<APIRequestContext> {
  return playwright.request.newContext({ baseURL: AUTH_URL, extraHTTPHeaders: extra });
}

/** GET /api/projects as a bearer of this token, through a context that holds no cookies. */
export function asBearer(bearers: APIRequestContext, token: string): Promise<APIResponse> {
  return bearers.get("/api/projects", { headers: { authorization: `Bearer ${token}` } });
}

/** 401, and one `auth.failed` event saying the session was signed out. */
export async function expectRevoked(res: APIResponse) {
  expect(res.status(), await res.text()).toBe(401);
  expect((await res.json()).error.code).toBe("unauthorized");
  const lines = await logLinesFor(res.headers()["x-request-id"]!, 2_000, "e2e-auth");
  const events = lines.filter((l) => l.security === true);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: "auth.failed", reason: "revoked" });
}

export async function signInInBrowser(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("account-name")).toContainText(email);
}

export async function sessionCookieOf(context: BrowserContext) {
  const cookie = (await context.cookies(AUTH_URL)).find((c) => c.name === SESSION);
  expect(cookie, "the session cookie").toBeDefined();
  return cookie!;
}

/** A session cookie whose access token expired a minute ago, with a live refresh token. */
export async function expiredSession(user: TestUser) {
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
