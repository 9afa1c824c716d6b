import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import { expect, test, type Page } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";
import { fakeModel } from "./support/fake-model";
import { reactFragment } from "./support/fragments";
import { serverLog } from "./support/server-log";

/*
 * Projects kept by the server, through the UI (local mode): the sidebar lists them newest first,
 * searches, renames, opens, deletes with a 10 s undo; a version exports as a ZIP that says how to
 * run it; a share link shows one version read-only and runs it, until revoked; API keys are kept
 * sealed and shown only by their last 4 characters.
 */

test.describe.configure({ mode: "serial", timeout: 90_000 });

const previewFrame = (page: Page) => page.frameLocator('[data-testid="preview-frame"]');
const sidebarItem = (page: Page, title: string | RegExp) => page.getByTestId("project-list").getByTestId("project-item").filter({ hasText: title });

/** A new project built from an example of the gallery (no model call), saved on the server. */
async function projectFromExample(page: Page, example: string, title: string): Promise<string> {
  await page.goto("/");
  await expect(page.getByTestId("chat-panel")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("open-examples").click();
  await page.getByTestId("examples-gallery").locator(`[data-example-id="${example}"]`).getByTestId("example-run").click();
  await expect(page).toHaveURL(/\/p\/[A-Za-z0-9_-]+$/);
  const id = page.url().split("/p/")[1]!;
  // This project's own entry: another test may have made one from the same example.
  await expect(page.getByTestId("project-list").locator(`[data-testid="project-item"][data-project-id="${id}"]`)).toContainText(title);
  return id;
}

test("the sidebar lists projects newest first, searches, renames, opens, and deletes with undo", async ({ page }) => {
  const memory = await projectFromExample(page, "html-memory-game", "Memory");
  await expect(previewFrame(page).locator("body")).toContainText(/memory/i, { timeout: 45_000 });
  const orders = await projectFromExample(page, "python-orders-table", "Orders");

  // Newest first.
  const titles = await page.getByTestId("project-list").getByTestId("project-title-item").allTextContents();
  expect(titles.findIndex((t) => /orders/i.test(t))).toBeLessThan(titles.findIndex((t) => /memory/i.test(t)));

  // Search by title.
  await page.getByTestId("project-search").fill("memo");
  await expect(sidebarItem(page, /orders/i)).toHaveCount(0);
  await expect(sidebarItem(page, /memory/i).first()).toBeVisible();
  await page.getByTestId("project-search").fill("no project is called this");
  await expect(page.getByTestId("project-list-empty")).toBeVisible();
  await page.getByTestId("project-search").fill("");

  // Open the other project from the list: its chat and address come with it.
  await page.locator(`[data-project-id="${memory}"]`).getByTestId("project-open").click();
  await expect(page).toHaveURL(new RegExp(`/p/${memory}$`));
  await expect(page.getByTestId("message-assistant").first()).toContainText(/memory/i);

  // Rename the open project in place; the header and a reload agree.
  const item = page.locator(`[data-project-id="${memory}"]`);
  await item.hover();
  await item.getByTestId("project-rename").click();
  await page.getByTestId("project-rename-input").fill("Pairs for the kids");
  await page.getByTestId("project-rename-input").press("Enter");
  await expect(page.getByTestId("project-title")).toHaveText("Pairs for the kids");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("project-title")).toHaveText("Pairs for the kids", { timeout: 2_000 });
  }).toPass({ timeout: 10_000 });
  await expect(sidebarItem(page, "Pairs for the kids")).toBeVisible();

  // Delete the other one, then undo.
  const other = page.locator(`[data-project-id="${orders}"]`);
  await other.hover();
  await other.getByTestId("project-delete").click();
  await expect(page.locator(`[data-project-id="${orders}"]`)).toHaveCount(0);
  await expect(page.getByTestId("undo-delete")).toContainText(/orders/i);
  expect((await page.request.get(`/api/projects/${orders}`)).status()).toBe(404);
  await page.getByTestId("undo-delete-button").click();
  await expect(page.locator(`[data-project-id="${orders}"]`)).toBeVisible();
  expect((await page.request.get(`/api/projects/${orders}`)).status()).toBe(200);

  // Delete for good: past the undo window it cannot come back.
  await page.locator(`[data-project-id="${orders}"]`).hover();
  await page.locator(`[data-project-id="${orders}"]`).getByTestId("project-delete").click();
  await expect(page.getByTestId("undo-delete")).toBeVisible();
  await expect(page.getByTestId("undo-delete")).toBeHidden({ timeout: 12_000 });
  await page.waitForTimeout(500);
  const late = await page.request.post(`/api/projects/${orders}/restore`, { headers: { origin: BASE_URL } });
  expect(late.status()).toBe(404);
  await page.reload();
  await expect(page.locator(`[data-project-id="${orders}"]`)).toHaveCount(0);
});

test("a project's address that does not exist says so and starts a new one", async ({ page }) => {
  await page.goto("/p/no-such-project");
  await expect(page.getByTestId("storage-notice")).toContainText("was not found");
  await expect(page.getByTestId("chat-input")).toBeVisible();
});

test("export: a version downloads as a ZIP with its files and a README that says how to run it", async ({ page }) => {
  await projectFromExample(page, "html-memory-game", "Memory");
  const download = page.waitForEvent("download");
  await page.getByTestId("export-zip").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^memory[a-z0-9-]*-v1\.zip$/);
  const entries = unzipSync(new Uint8Array(readFileSync((await file.path())!)));
  const names = Object.keys(entries);
  const readme = names.find((n) => /\/README\.md$/.test(n))!;
  expect(readme).toBeDefined();
  expect(names.some((n) => /\/index\.html$/.test(n))).toBe(true);
  expect(names.every((n) => !n.startsWith("/") && !n.includes(".."))).toBe(true);
  expect(new TextDecoder().decode(entries[readme])).toMatch(/index\.html/);
});

test("share: a read-only link opens the version and runs it for anyone; revoked, it is 404", async ({ page, browser }) => {
  await projectFromExample(page, "html-memory-game", "Memory");
  await page.getByTestId("share-open").click();
  const dialog = page.getByTestId("share-dialog");
  await expect(dialog).toBeVisible();
  await page.getByTestId("share-days").selectOption("1");
  await page.getByTestId("share-create").click();
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("share-item")).toHaveCount(1);

  // Someone else, with no session of any kind.
  const stranger = await browser.newContext();
  const view = await stranger.newPage();
  const response = await view.goto(url);
  expect(response?.status()).toBe(200);
  await expect(view.getByTestId("share-title")).toContainText(/memory/i);
  await expect(view.getByTestId("share-meta")).toContainText("read-only");
  await expect(view.getByTestId("file-tree-item").filter({ hasText: "index.html" })).toBeVisible();
  // Nothing there can change the project.
  await expect(view.getByTestId("run-button")).toHaveCount(0);
  await view.getByTestId("file-tree-item").filter({ hasText: "index.html" }).click();
  await expect(view.locator('[data-testid="code-editor"] .cm-content')).toHaveAttribute("contenteditable", "false");
  await view.getByTestId("share-run").click();
  await expect(view.frameLocator('[data-testid="preview-frame"]').locator("body")).toContainText(/memory/i, { timeout: 45_000 });

  const viewerPreview = await view.getByTestId("preview-frame").getAttribute("src");
  expect((await view.request.get(new URL(viewerPreview!, url).href)).status()).toBe(200);

  // Revoke: the link is dead at once, and so is what its viewers were running.
  await page.getByTestId("share-revoke").click();
  await expect(page.getByTestId("share-item")).toHaveCount(0);
  expect((await view.request.get(new URL(viewerPreview!, url).href)).status()).toBe(404);
  expect((await view.goto(url))?.status()).toBe(404);
  const run = await view.request.post(`${url.replace("/s/", "/api/shares/")}/run`, { headers: { origin: BASE_URL, "content-type": "application/json" }, data: {} });
  expect(run.status()).toBe(404);
  await stranger.close();
});

test("API keys are kept sealed and shown only by their last 4 characters", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("keys-open").click();
  const dialog = page.getByTestId("keys-dialog");
  await expect(dialog).toBeVisible();
  await page.getByTestId("key-provider").selectOption("openai");
  await page.getByTestId("key-input").fill("sk-test-e2e-000000000000000009876");
  await page.getByTestId("key-save").click();
  await expect(page.getByTestId("key-item")).toContainText("••••9876");
  await expect(dialog).not.toContainText("sk-test-e2e");
  const listed = await (await page.request.get("/api/keys")).text();
  expect(listed).toContain("9876");
  expect(listed).not.toContain("sk-test-e2e");
  // OpenAI's models are on offer now, with the user's own key.
  await page.reload();
  await expect(page.getByTestId("model-picker").locator("option", { hasText: /gpt/i }).first()).toBeAttached();
  await page.getByTestId("keys-open").click();
  await page.getByTestId("key-delete").click();
  await expect(page.getByTestId("key-item")).toHaveCount(0);
  expect((await (await page.request.get("/api/keys")).json()).keys).toEqual([]);
});

test("a kept key goes with the user's own model requests, and never into the log", async ({ page }) => {
  await fakeModel.reset();
  await fakeModel.script({ match: "kept key card", script: { kind: "fragment", fragment: reactFragment("Made with my own key") } });
  const kept = "sk-test-kept-key-0000000000004321";
  const saved = await page.request.put("/api/keys/compatible", { headers: { origin: BASE_URL, "content-type": "application/json" }, data: { apiKey: kept } });
  expect(saved.status()).toBe(200);
  try {
    await page.goto("/");
    await page.getByTestId("chat-input").fill("Make a kept key card");
    await page.getByTestId("send-button").click();
    await expect(page.getByTestId("message-assistant")).toContainText("Made with my own key", { timeout: 30_000 });
    const chat = (await fakeModel.requests()).find((r) => r.path.endsWith("/chat/completions"));
    expect(chat?.headers.authorization).toBe(`Bearer ${kept}`);
    expect(serverLog()).not.toContain(kept);
  } finally {
    await page.request.delete("/api/keys/compatible", { headers: { origin: BASE_URL } });
  }
});

test("projects an earlier version kept in this browser move to the server once", async ({ page }) => {
  await page.goto("/");
  const id = `browser-kept-${Date.now()}`;
  const now = new Date().toISOString();
  await page.evaluate(
    ({ id, now }) => {
      const project = {
        id,
        title: "Kept in the browser",
        createdAt: now,
        updatedAt: now,
        currentVersion: 1,
        messages: [{ id: "m1", role: "assistant", content: "Loaded an example.", createdAt: now, version: 1 }],
        versions: [{ n: 1, createdAt: now, source: "example", title: "Kept", template: "html", files: [{ path: "index.html", content: "<p>kept</p>" }], dependencies: { npm: [], pip: [] }, entry: "index.html", port: null }],
      };
      localStorage.setItem(`tessera.projects.v1.project.${id}`, JSON.stringify(project));
      localStorage.setItem("tessera.projects.v1.index", JSON.stringify([{ id, title: project.title, updatedAt: now }]));
    },
    { id, now },
  );
  await page.reload();
  await expect(page.getByTestId("storage-notice")).toContainText("Moved 1 project");
  await expect(sidebarItem(page, "Kept in the browser")).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("tessera.projects.v1.project.")))).toEqual([]);
  const saved = (await (await page.request.get(`/api/projects/${id}`)).json()) as { project: { versions: unknown[]; messages: unknown[] } };
  expect(saved.project.versions).toHaveLength(1);
  expect(saved.project.messages).toHaveLength(1);
});
