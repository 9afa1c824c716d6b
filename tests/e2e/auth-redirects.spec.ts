import { expect, test, type Page } from "@playwright/test";
import { AUTH_URL, SUPABASE_FAKE_URL } from "../../playwright.config";
import { fakeAuth, newUser } from "./support/auth";

/*
 * Open redirects, on each of the three places a `next` path is honoured: the sign-in page (where
 * the browser goes once signed in), proxy.ts (a signed-in visitor of /sign-in is sent on), and
 * /auth/callback (where an emailed link lands with its code). The "other site" is a real server on
 * loopback — the Supabase Auth fake, on another port — so a redirect that left would land
 * somewhere the test can see, instead of failing on a name that does not resolve.
 */

test.describe.configure({ timeout: 240_000 });

const OTHER = new URL(SUPABASE_FAKE_URL).host;

/** `next` as it appears in the query string (already encoded), and what it tries. */
const CASES: [string, string][] = [
  ["tab", `/%09/${OTHER}/x`],
  ["newline", `/%0A/${OTHER}/x`],
  ["carriage return and newline", `/%0D%0A/${OTHER}/x`],
  ["backslash", `/%5C${OTHER}/x`],
  ["two slashes", `//${OTHER}/x`],
  ["encoded slash", `/%252F${OTHER}/x`],
  ["encoded backslash", `/%255C${OTHER}/x`],
  ["dot segment before two slashes", `/.//${OTHER}/x`],
  ["absolute URL", encodeURIComponent(`${SUPABASE_FAKE_URL}/x`)],
  ["javascript:", encodeURIComponent("javascript:document.title='owned'")],
];

async function expectStillHere(page: Page, label: string) {
  const url = new URL(page.url());
  expect(url.origin, `${label}: ${page.url()}`).toBe(AUTH_URL);
  expect(await page.title(), label).not.toBe("owned");
}

async function signInWithPassword(page: Page, email: string, password: string) {
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("submit").click();
}

test("the sign-in page's next stays on the site: tab, newline, backslash, //, encoded slashes, javascript:", async ({ browser }) => {
  const user = await newUser("redirect-page");
  for (const [label, next] of CASES) {
    const context = await browser.newContext({ baseURL: AUTH_URL });
    const page = await context.newPage();
    await page.goto(`/sign-in?next=${next}`);
    await signInWithPassword(page, user.email, "correct horse battery staple");
    await page.waitForURL((u) => !(u.origin === AUTH_URL && u.pathname === "/sign-in"));
    await expectStillHere(page, label);
    await expect(page.getByTestId("account-name")).toContainText(user.email);
    await context.close();
  }
});

test("proxy.ts sends a signed-in visitor of /sign-in only to a path on the site", async ({ page }) => {
  const user = await newUser("redirect-proxy");
  await page.goto("/sign-in");
  await signInWithPassword(page, user.email, "correct horse battery staple");
  await expect(page.getByTestId("account-name")).toContainText(user.email);
  for (const [label, next] of CASES) {
    await page.goto(`/sign-in?next=${next}`);
    await expectStillHere(page, label);
  }
  // A signed-out visitor of a path that looks like another host is sent to sign in here, and the
  // path it carries on is one of this site's.
  await page.context().clearCookies();
  await page.goto(`${AUTH_URL}//${OTHER}/x`);
  await expectStillHere(page, "a page path starting with //");
  const carried = new URL(page.url()).searchParams.get("next") ?? "/";
  expect(new URL(carried, AUTH_URL).origin).toBe(AUTH_URL);
});

test("/auth/callback sends the browser on only to a path on the site, with a valid code and without one", async ({ browser }) => {
  const user = await newUser("redirect-callback");
  for (const [label, next] of CASES) {
    const context = await browser.newContext({ baseURL: AUTH_URL });
    const page = await context.newPage();
    // Without a code: the way back to the sign-in page keeps to the site.
    await page.goto(`/auth/callback?next=${next}`);
    await expectStillHere(page, `${label}, no code`);

    // With a real code: ask for an email link, then follow it with `next` swapped for the attack.
    await page.goto("/sign-in");
    await page.getByTestId("mode-magic-link").click();
    await page.getByTestId("email").fill(user.email);
    await page.getByTestId("submit").click();
    await expect(page.getByTestId("auth-info")).toContainText(user.email);
    const mail = (await fakeAuth.emails(user.email)).filter((e) => e.type === "magiclink").at(-1)!;
    const link = new URL(mail.link);
    const back = new URL(link.searchParams.get("redirect_to")!);
    expect(back.pathname).toBe("/auth/callback");
    const query = back.search.replace(/(^\?|&)next=[^&]*/, "").replace(/^\?&?/, "");
    link.searchParams.set("redirect_to", `${back.origin}${back.pathname}?${query ? `${query}&` : ""}next=${next}`);
    await page.goto(link.toString());
    await expectStillHere(page, `${label}, with a code`);
    await expect(page.getByTestId("account-name")).toContainText(user.email);
    await context.close();
  }
});
