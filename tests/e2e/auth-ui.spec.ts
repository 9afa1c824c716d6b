import { expect, test, type Page } from "@playwright/test";
import { AUTH_URL } from "../../playwright.config";
import { fakeAuth, newUser, sessionCookie, signWithProjectKey, uniqueEmail } from "./support/auth";

/*
 * Signing in, in Chromium, through the app's own endpoints, whose @supabase/ssr server client talks
 * to a loopback server speaking the Supabase Auth endpoints it calls (tests/support/supabase-fake):
 * sign-up, password sign-in, a magic link, a password reset, GitHub OAuth, sign-out, and the
 * session refresh proxy.ts does for pages.
 */

test.describe.configure({ timeout: 60_000 });

const PASSWORD = "a long enough password";

async function expectSignedIn(page: Page, email: string) {
  await expect(page.getByTestId("chat-input")).toBeVisible();
  await expect(page.getByTestId("account-name")).toContainText(email);
}

async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("submit").click();
}

test("a signed-out visitor is sent to sign in, and comes back where they were going", async ({ page }) => {
  const response = await page.goto("/p/some-project");
  expect(new URL(page.url()).pathname).toBe("/sign-in");
  expect(new URL(page.url()).searchParams.get("next")).toBe("/p/some-project");
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("sign-in")).toBeVisible();
  // Only the providers the project switched on are offered.
  await expect(page.getByTestId("oauth-github")).toBeVisible();
  await expect(page.getByTestId("oauth-google")).toHaveCount(0);
});

test("sign up with email and password, sign out, sign in again; a wrong password says so", async ({ page }) => {
  const email = uniqueEmail("signup");
  await page.goto("/sign-in");
  await page.getByTestId("mode-sign-up").click();
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("submit").click();
  await expectSignedIn(page, email);

  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("sign-in")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);

  await signInWithPassword(page, email, "not the password");
  await expect(page.getByTestId("auth-error")).toContainText("do not match");
  await signInWithPassword(page, email, PASSWORD);
  await expectSignedIn(page, email);
});

test("a magic link signs in", async ({ page }) => {
  const user = await newUser("magic");
  await page.goto("/sign-in");
  await page.getByTestId("mode-magic-link").click();
  await page.getByTestId("email").fill(user.email);
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("auth-info")).toContainText(user.email);
  const [mail] = (await fakeAuth.emails(user.email)).filter((e) => e.type === "magiclink");
  expect(mail).toBeDefined();
  await page.goto(mail!.link);
  await expectSignedIn(page, user.email);
});

test("a password reset: email link, new password, the old one no longer works", async ({ page }) => {
  const user = await newUser("reset");
  await page.goto("/sign-in");
  await page.getByTestId("mode-reset").click();
  await page.getByTestId("email").fill(user.email);
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("auth-info")).toContainText("If");
  const [mail] = (await fakeAuth.emails(user.email)).filter((e) => e.type === "recovery");
  await page.goto(mail!.link);
  await expect(page.getByTestId("new-password")).toBeVisible();
  await page.getByTestId("new-password-input").fill("a brand new password");
  await page.getByTestId("new-password-again").fill("a brand new password");
  await page.getByTestId("new-password-submit").click();
  await expectSignedIn(page, user.email);

  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("sign-in")).toBeVisible();
  await signInWithPassword(page, user.email, "correct horse battery staple");
  await expect(page.getByTestId("auth-error")).toContainText("do not match");
  await signInWithPassword(page, user.email, "a brand new password");
  await expectSignedIn(page, user.email);
});

test("a used or damaged sign-in link says so on the sign-in page", async ({ page }) => {
  await page.goto("/auth/callback?code=not-a-real-code&next=/");
  await expect(page.getByTestId("auth-error")).toContainText("could not be used");
  await page.goto("/auth/callback?next=//evil.example");
  await expect(page).toHaveURL(new RegExp(`^${AUTH_URL}/sign-in`));
});

test("GitHub sign-in goes through the provider and back", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByTestId("oauth-github").click();
  await expectSignedIn(page, "github-user@example.test");
});

test("proxy.ts refreshes an expired access token before a page renders", async ({ page, context }) => {
  const user = await newUser("refresh");
  // The browser holds a session whose access token expired a minute ago but whose refresh token is live.
  const expired = await signWithProjectKey({
    sub: user.id,
    iss: (await fakeAuth.keys()).issuer,
    aud: "authenticated",
    role: "authenticated",
    email: user.email,
    iat: Math.floor(Date.now() / 1000) - 3600,
    exp: Math.floor(Date.now() / 1000) - 60,
  });
  const cookie = sessionCookie({ ...user.session, access_token: expired, expires_at: Math.floor(Date.now() / 1000) - 60 });
  await context.addCookies([{ ...cookie, url: AUTH_URL }]);
  const response = await page.goto("/");
  expect(new URL(page.url()).pathname).toBe("/");
  expect((await response!.allHeaders())["set-cookie"] ?? "").toContain("sb-127-auth-token");
  await expectSignedIn(page, user.email);
  const fresh = (await context.cookies(AUTH_URL)).find((c) => c.name.startsWith("sb-127-auth-token") && !c.name.includes("verifier"));
  const session = JSON.parse(Buffer.from(fresh!.value.replace(/^base64-/, ""), "base64url").toString()) as { access_token: string };
  expect(session.access_token).not.toBe(expired);
});
