import { expect, test, type Page } from "@playwright/test";
import { fakeModel } from "./support/fake-model";
import { pythonFragment, reactFragment, reactHeadingChange, reactThrowing } from "./support/fragments";

/*
 * The product end to end: the production build, the real provider code talking to a scripted
 * OpenAI-compatible server on loopback, real bwrap sandboxes and the app's own /preview route.
 * Each test starts a fresh project (localStorage cleared) and scripts the model by prompt text.
 */

test.describe.configure({ timeout: 90_000 });

test.beforeEach(async ({ page }) => {
  await fakeModel.reset();
  await page.goto("/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId("chat-input")).toBeVisible();
});

async function send(page: Page, text: string) {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("send-button").click();
}

const previewFrame = (page: Page) => page.frameLocator('[data-testid="preview-frame"]');

/** The builder may switch tabs itself (Changes after a follow-up), so keep asking for Preview. */
async function expectPreviewText(page: Page, text: string) {
  await expect(async () => {
    await page.getByTestId("tab-preview").click();
    await expect(previewFrame(page).getByText(text)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
}

test("a prompt yields a React app whose preview shows the expected text, at a capability URL it cannot escape", async ({ page }) => {
  await fakeModel.script({ match: "greeting card", script: { kind: "fragment", fragment: reactFragment("Hello from the fake model"), chunkChars: 40, delayMs: 5 } });
  await send(page, "Make a greeting card app");

  await expectPreviewText(page, "Hello from the fake model");
  await previewFrame(page).getByRole("button", { name: "Clicked 0 times" }).click();
  await expect(previewFrame(page).getByRole("button", { name: "Clicked 1 times" })).toBeVisible();

  const url = await page.getByTestId("preview-url").textContent();
  expect(url).toMatch(/\/preview\/[A-Za-z0-9_-]{43}\/$/);

  // The generated code runs in an opaque origin: no cookies, no parent DOM, no app API.
  const frame = page.frames().find((f) => f.url().includes("/preview/"))!;
  const probe = await frame.evaluate(async () => {
    const out: Record<string, string> = {};
    try {
      out.cookie = document.cookie;
    } catch (e) {
      out.cookie = `threw ${(e as Error).name}`;
    }
    try {
      out.parent = String(window.parent.document.title);
    } catch (e) {
      out.parent = `threw ${(e as Error).name}`;
    }
    try {
      out.storage = String(window.localStorage.length);
    } catch (e) {
      out.storage = `threw ${(e as Error).name}`;
    }
    try {
      const res = await fetch("/api/health");
      out.api = `status ${res.status}`;
    } catch (e) {
      out.api = `threw ${(e as Error).name}`;
    }
    return out;
  });
  expect(probe.cookie).toMatch(/^threw|^$/);
  expect(probe.parent).toMatch(/^threw/);
  expect(probe.storage).toMatch(/^threw/);
  expect(probe.api).toMatch(/^threw/);

  await page.getByTestId("tab-code").click();
  await expect(page.getByTestId("file-tree-item").filter({ hasText: "App.tsx" })).toBeVisible();

  // The project survives a reload (saved in the browser until server persistence lands).
  await page.reload();
  await expect(page.getByTestId("message-assistant")).toContainText("Hello from the fake model");
  await page.getByTestId("tab-code").click();
  await expect(page.getByTestId("file-tree-item").filter({ hasText: "Counter.tsx" })).toBeVisible();
});

test("a Python prompt shows a PNG chart and a table", async ({ page }) => {
  await fakeModel.script({ match: "sales chart", script: { kind: "fragment", fragment: pythonFragment } });
  await send(page, "Show a sales chart with the data");
  await page.getByTestId("tab-preview").click();
  const results = page.getByTestId("results-view");
  await expect(results).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId("result-stdout")).toContainText("total sales 415");
  const png = page.getByTestId("result-png");
  await expect(png).toBeVisible();
  expect(await png.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  const table = page.getByTestId("result-table");
  await expect(table).toContainText("Feb");
  await expect(table).toContainText("160");
});

test("a follow-up shows a diff and updates the preview; restoring version 1 restores files and preview; an edit re-runs", async ({ page }) => {
  await fakeModel.script([
    { match: "greeting card", script: { kind: "fragment", fragment: reactFragment("Version one heading") } },
    { match: "change the heading", script: { kind: "fragment", fragment: reactHeadingChange("Version two heading") } },
  ]);
  await send(page, "Make a greeting card app");
  await expectPreviewText(page, "Version one heading");

  await send(page, "Please change the heading");
  await page.getByTestId("tab-diff").click();
  const changed = page.getByTestId("diff-file").filter({ hasText: "src/App.tsx" });
  await expect(changed).toHaveAttribute("data-change", "changed");
  await expect(changed).toContainText("Version two heading");
  await expect(changed).toContainText("Version one heading");
  await expect(page.getByTestId("diff-file")).toHaveCount(1);
  await expectPreviewText(page, "Version two heading");

  // The follow-up request carried the current files, and the model answered with a change set.
  const chats = (await fakeModel.requests()).filter((r) => r.path.endsWith("/chat/completions"));
  expect(JSON.stringify(chats.at(-1)?.body)).toContain("Version one heading");

  await page.getByTestId("tab-versions").click();
  await page.locator('[data-testid="version-item"][data-version="1"]').getByTestId("version-restore").click();
  await expectPreviewText(page, "Version one heading");
  await page.getByTestId("tab-code").click();
  await page.getByTestId("file-tree-item").filter({ hasText: "App.tsx" }).click();
  await expect(page.locator('[data-testid="code-editor"] .cm-content')).toContainText("Version one heading");

  // Edit the file by hand and run it.
  const editor = page.locator('[data-testid="code-editor"] .cm-content');
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type('\nexport const edited = "yes";');
  const text = await editor.textContent();
  expect(text).toContain('edited = "yes"');
  // Replace the file: select all with the editor's keymap, then insert text as a paste would (typed
  // key by key, the editor's auto-closing of JSX tags would double the closing tag).
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText('export default function App() { return <h1 className="text-xl">Edited by hand</h1>; }\n');
  await page.getByTestId("run-button").click();
  await expectPreviewText(page, "Edited by hand");
  await page.getByTestId("tab-versions").click();
  await expect(page.locator('[data-testid="version-item"][data-version="4"]')).toContainText(/edit/i);
});

test("a runtime error triggers one auto-fix that succeeds", async ({ page }) => {
  await fakeModel.script([
    { match: "dashboard", script: { kind: "fragment", fragment: reactThrowing("data loader exploded") } },
    { match: "data loader exploded", script: { kind: "fragment", fragment: reactFragment("Fixed dashboard") } },
  ]);
  await send(page, "Build a dashboard");
  await expectPreviewText(page, "Fixed dashboard");
  const chats = (await fakeModel.requests()).filter((r) => r.path.endsWith("/chat/completions"));
  expect(chats).toHaveLength(2);
  await expect(page.getByTestId("message-user").last()).toContainText("data loader exploded");
});

test("a repeating error stops auto-fix after 2 attempts, saying why", async ({ page }) => {
  await fakeModel.script([
    { match: "broken widget", script: { kind: "fragment", fragment: reactThrowing("widget is broken") } },
    { match: "widget is broken", script: { kind: "fragment", fragment: reactThrowing("widget is broken") } },
  ]);
  await send(page, "Make a broken widget");
  await expect(page.getByTestId("autofix-status")).toContainText(/stopped/i, { timeout: 60_000 });
  const chats = (await fakeModel.requests()).filter((r) => r.path.endsWith("/chat/completions"));
  expect(chats.length).toBeGreaterThanOrEqual(2);
  expect(chats.length).toBeLessThanOrEqual(3);
  await expect(page.getByTestId("fix-button").first()).toBeVisible();
});

for (const [name, script, message] of [
  ["401", { kind: "error", status: 401, message: "Incorrect API key provided" }, /refused the API key|API key/i],
  ["429", { kind: "error", status: 429, message: "Rate limit reached", retryAfter: 2 }, /rate limit|too many/i],
  ["500", { kind: "error", status: 500, message: "upstream exploded" }, /had a problem answering \(HTTP 500\)/],
  ["timeout", { kind: "hang" }, /did not start answering within 4 s/],
  ["stream cut", { kind: "cut", fragment: reactFragment("Never finished"), afterChars: 300 }, /cut off|interrupted/i],
] as const) {
  test(`provider ${name} shows a clear message with a retry that works`, async ({ page }) => {
    await fakeModel.script([
      { match: "retry me", script, once: true },
      { match: "retry me", script: { kind: "fragment", fragment: reactFragment("Worked on retry") } },
    ]);
    await send(page, "retry me please");
    const error = page.getByTestId("chat-error");
    await expect(error).toContainText(message, { timeout: 20_000 });
    await page.getByTestId("chat-retry").click();
    await expectPreviewText(page, "Worked on retry");
  });
}

test("the examples gallery runs an example through the real sandbox and preview", async ({ page }) => {
  await page.getByTestId("open-examples").first().click();
  const cards = page.getByTestId("example-card");
  await expect(cards.first()).toBeVisible();
  expect(await cards.count()).toBeGreaterThanOrEqual(6);
  await cards.filter({ hasText: /chart/i }).first().getByTestId("example-run").click();
  await page.getByTestId("tab-preview").click();
  await expect(page.getByTestId("result-png")).toBeVisible({ timeout: 45_000 });
  // Nothing was asked of the model.
  expect((await fakeModel.requests()).filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(0);
});
