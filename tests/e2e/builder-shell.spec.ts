import { expect, test, type Page } from "@playwright/test";

/*
 * The builder shell: layout, keyboard access, theme persistence, and the CSP. Every test records
 * securitypolicyviolation events from the first byte of every document it loads (an init script)
 * and fails if there is a single one: the policy has no 'unsafe-inline', so one style="" attribute
 * in server-rendered markup is enough to trip it.
 */

interface Violation {
  directive: string;
  blockedURI: string;
  sample: string;
  source: string;
  url: string;
}

declare global {
  interface Window {
    __cspViolations?: Violation[];
    __reportCspViolation?: (violation: Violation) => Promise<void>;
  }
}

const violationsByPage = new WeakMap<Page, Violation[]>();

/**
 * `next dev` only: its devtools overlay injects <style> elements, which this CSP refuses. The
 * production build has no such chunk, so against it this filter removes nothing.
 */
const fromDevTools = (v: Violation) => /\/_next\/static\/chunks\/[^:]*next-devtools/.test(v.source);

test.beforeEach(async ({ page }) => {
  const violations: Violation[] = [];
  violationsByPage.set(page, violations);
  // Survives navigations and reloads, unlike the in-page array.
  await page.exposeFunction("__reportCspViolation", (violation: Violation) => {
    violations.push(violation);
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    window.addEventListener(
      "securitypolicyviolation",
      (event) => {
        const violation = {
          directive: event.violatedDirective,
          blockedURI: event.blockedURI,
          sample: event.sample,
          source: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
          url: document.location.href,
        };
        window.__cspViolations?.push(violation);
        void window.__reportCspViolation?.(violation);
      },
      true,
    );
  });
});

test.afterEach(async ({ page }) => {
  const inPage = (page.isClosed() ? [] : await page.evaluate(() => window.__cspViolations ?? []).catch(() => [])).filter((v) => !fromDevTools(v));
  const reported = (violationsByPage.get(page) ?? []).filter((v) => !fromDevTools(v));
  expect(inPage, "CSP violations in the current document").toEqual([]);
  expect(reported, "CSP violations in any document of this test").toEqual([]);
});

/** Load the builder and wait until React has hydrated it (before that, clicks do nothing). */
async function openBuilder(page: Page) {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("chat-panel")).toHaveAttribute("data-hydrated", "true");
}

async function activeTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return el.getAttribute("data-testid") ?? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}`;
  });
}

function savePreferencesResponse(page: Page) {
  return page.waitForResponse((r) => new URL(r.url()).pathname === "/api/preferences" && r.request().method() === "POST");
}

test("renders the whole workspace with every landmark and empty state", async ({ page }) => {
  await openBuilder(page);

  for (const id of [
    "app-header",
    "model-status",
    "theme-toggle",
    "chat-panel",
    "chat-empty",
    "chat-input",
    "send-button",
    "composer-hint",
    "workspace-panel",
    "tab-code",
    "tab-preview",
    "code-empty",
  ]) {
    await expect(page.getByTestId(id), id).toBeVisible();
  }

  await expect(page.getByTestId("app-header")).toContainText("Tessera");
  await expect(page.getByTestId("app-header")).toContainText("Untitled project");
  // The e2e server configures one OpenAI-compatible model (the scripted fake in tests/support).
  await expect(page.getByTestId("model-status")).toContainText("OpenAI-compatible");
  await expect(page.getByTestId("model-picker")).toContainText("fake-coder");
  await expect(page.getByTestId("template-picker")).toHaveValue("auto");
  await expect(page.getByTestId("autofix-toggle")).toHaveAttribute("aria-checked", "true");

  const examples = page.getByTestId("example-prompt");
  await expect(examples).toHaveCount(4);
  for (const example of await examples.all()) await expect(example).toBeVisible();

  // Nothing to send yet; the hint says how the keyboard sends.
  await expect(page.getByTestId("send-button")).toBeDisabled();
  await expect(page.getByTestId("composer-hint")).toContainText(/Enter.*sends/);
  // The runnable examples are one click away from the empty chat.
  await expect(page.getByTestId("open-examples")).toBeVisible();

  await expect(page.getByRole("region", { name: "Chat" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Workspace" })).toBeVisible();
  const log = page.getByRole("log");
  await expect(log).toHaveAttribute("aria-live", "polite");
  await expect(log.getByTestId("chat-empty")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Describe the app you want" })).toBeVisible();

  // The skip link is in the document but only shows when focused.
  await expect(page.getByTestId("skip-link")).toBeAttached();
  await expect(page.getByTestId("skip-link")).toHaveText("Skip to chat input");

  // Preview is not the selected tab yet.
  await expect(page.getByTestId("tab-code")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("preview-empty")).toBeHidden();
});

test("keyboard focus order: skip link, header, projects, chat, workspace tabs", async ({ page }) => {
  await openBuilder(page);

  const order: (string | null)[] = [];
  // Each saved project in the list is one stop (plus its rename and delete while it has focus).
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press("Tab");
    order.push(await activeTestId(page));
    if (order.at(-1) === "tab-code") break;
  }

  expect(order[0], `focus order: ${order.join(" → ")}`).toBe("skip-link");
  const themeToggle = order.indexOf("theme-toggle");
  const projects = order.indexOf("sidebar-new-project");
  const firstExample = order.indexOf("example-prompt");
  const chatInput = order.indexOf("chat-input");
  const codeTab = order.indexOf("tab-code");
  const sequence = `focus order: ${order.join(" → ")}`;
  expect(themeToggle, sequence).toBeGreaterThan(0);
  expect(projects, sequence).toBeGreaterThan(themeToggle);
  expect(firstExample, sequence).toBeGreaterThan(projects);
  expect(chatInput, sequence).toBeGreaterThan(firstExample);
  expect(codeTab, sequence).toBeGreaterThan(chatInput);
  expect(order.filter((id) => id === "example-prompt")).toHaveLength(4);

  // The tab panel follows the tabs.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("tabpanel")).toBeFocused();
});

test("the skip link shows on focus and moves focus to the chat input", async ({ page }) => {
  await openBuilder(page);
  await page.keyboard.press("Tab");
  const skip = page.getByTestId("skip-link");
  await expect(skip).toBeFocused();
  const box = await skip.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(20);
  expect(box?.height ?? 0).toBeGreaterThan(10);

  await page.keyboard.press("Enter");
  await expect(page.getByTestId("chat-input")).toBeFocused();
});

test("an example prompt fills the composer; Shift+Enter adds a line; the composer caps its length", async ({ page }) => {
  await openBuilder(page);
  const input = page.getByTestId("chat-input");
  const first = page.getByTestId("example-prompt").first();
  const title = (await first.locator("span").first().textContent())?.trim() ?? "";
  expect(title).not.toBe("");

  await first.click();
  await expect(input).toBeFocused();
  await expect(input).toHaveValue(new RegExp(title.split(" ")[0] ?? "", "i"));
  const filled = await input.inputValue();
  expect(filled.length).toBeGreaterThan(20);
  await expect(page.getByTestId("chat-panel")).toContainText(`${filled.length} / 10,000`);

  // Shift+Enter is a newline (Enter sends: builder-flow.spec.ts covers that with the scripted model).
  await input.fill("hello");
  await input.press("Shift+Enter");
  await input.pressSequentially("world");
  await expect(input).toHaveValue("hello\nworld");
  await expect(page.getByTestId("chat-empty")).toBeVisible();
  await expect(page.getByTestId("send-button")).toBeEnabled();

  // The composer holds at most 10,000 characters.
  await input.fill("x".repeat(10_050));
  expect((await input.inputValue()).length).toBe(10_000);
  await expect(page.getByTestId("chat-panel")).toContainText("10,000 / 10,000");
});

test("switching workspace tabs shows the preview's empty state", async ({ page }) => {
  await openBuilder(page);
  await page.getByTestId("tab-preview").click();
  await expect(page.getByTestId("tab-preview")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("preview-empty")).toBeVisible();
  await expect(page.getByTestId("code-empty")).toBeHidden();
  await expect(page.getByRole("tabpanel")).toHaveAttribute("aria-labelledby", (await page.getByTestId("tab-preview").getAttribute("id")) ?? "");

  // Nothing runs yet, so the preview toolbar's actions are disabled and say why.
  for (const name of ["Refresh preview", "Open preview in a new tab", "Copy preview URL"]) {
    const button = page.getByRole("button", { name });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute("title", /.+/);
  }

  // Arrow keys move between tabs (Radix roving focus).
  await page.getByTestId("tab-preview").focus();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByTestId("tab-code")).toBeFocused();
  await expect(page.getByTestId("tab-code")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("code-empty")).toBeVisible();
  await expect(page.getByTestId("preview-empty")).toBeHidden();
});

test("the theme toggle applies at once and survives a reload", async ({ page }) => {
  await openBuilder(page);
  const html = page.locator("html");
  const toggle = page.getByTestId("theme-toggle");

  // No cookie yet: the default preference.
  await expect(html).toHaveAttribute("data-theme", "system");
  await expect(toggle).toHaveAccessibleName(/system/i);

  // system → light
  let saved = savePreferencesResponse(page);
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await expect(html).not.toHaveClass(/\bdark\b/);
  expect((await saved).status()).toBe(200);
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  // light → dark
  saved = savePreferencesResponse(page);
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(toggle).toHaveAccessibleName(/dark/i);
  const response = await saved;
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { preferences: { theme: string; codeFontSize: number } };
  expect(body.preferences.theme).toBe("dark");
  expect(body.preferences.codeFontSize).toBeGreaterThanOrEqual(10);
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(darkBackground).not.toBe(lightBackground);

  // The server renders the saved theme on the next load.
  await page.reload();
  await expect(page.getByTestId("chat-panel")).toHaveAttribute("data-hydrated", "true");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(toggle).toHaveAccessibleName(/dark/i);
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(darkBackground);

  // dark → system: follows the OS through CSS alone.
  saved = savePreferencesResponse(page);
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "system");
  await expect(html).not.toHaveClass(/\bdark\b/);
  expect((await saved).status()).toBe(200);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(darkBackground);
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(lightBackground);
});

test("a failed theme save is reported inline", async ({ page }) => {
  await page.route("/api/preferences", (route) =>
    route.request().method() === "POST"
      ? route.fulfill({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "internal", message: "Preferences are unavailable.", requestId: "req-test" } }),
        })
      : route.fallback(),
  );
  await openBuilder(page);
  await page.getByTestId("theme-toggle").click();
  const alert = page.getByTestId("app-header").getByRole("alert");
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("Preferences are unavailable.");
  // The choice still applies to this page.
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
});

test("side by side on wide screens, stacked on narrow ones", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openBuilder(page);
  let chat = await page.getByTestId("chat-panel").boundingBox();
  let workspace = await page.getByTestId("workspace-panel").boundingBox();
  expect(chat && workspace).toBeTruthy();
  expect(workspace!.x).toBeGreaterThanOrEqual(chat!.x + chat!.width - 1);
  expect(Math.abs(workspace!.y - chat!.y)).toBeLessThan(2);
  expect(workspace!.width).toBeGreaterThan(chat!.width);

  await page.setViewportSize({ width: 390, height: 844 });
  chat = await page.getByTestId("chat-panel").boundingBox();
  workspace = await page.getByTestId("workspace-panel").boundingBox();
  expect(workspace!.y).toBeGreaterThanOrEqual(chat!.y + chat!.height - 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "no horizontal scrolling on a phone").toBeLessThanOrEqual(0);
});

test("an unknown page shows the 404 page with a way home", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await page.getByRole("link", { name: /builder/i }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("app-header")).toBeVisible();
});
