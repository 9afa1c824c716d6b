import { expect, test } from "@playwright/test";

/*
 * A fresh install with no model configured: the builder says so, shows exactly how to configure
 * one, and its examples run through the real sandbox and preview pipeline anyway.
 */

test.describe.configure({ timeout: 60_000 });

test.beforeEach(async ({ page }) => {
  await page.goto("/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
});

test("says no model is configured and shows how to configure one", async ({ page }) => {
  const guide = page.getByTestId("no-model-guide");
  await expect(guide).toBeVisible();
  await expect(guide).toContainText("OPENAI_API_KEY");
  await expect(guide).toContainText("OLLAMA_BASE_URL=http://127.0.0.1:11434");
  await expect(guide).toContainText("OPENAI_COMPATIBLE_BASE_URL");
  await expect(page.getByTestId("model-status")).toContainText(/no model/i);
});

test("a React example from the gallery runs and its preview is styled and interactive", async ({ page }) => {
  const gallery = page.getByTestId("examples-gallery");
  await expect(gallery).toBeVisible();
  await gallery.locator('[data-example-id="react-todo"]').getByTestId("example-run").click();
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  await expect(async () => {
    await page.getByTestId("tab-preview").click();
    await expect(frame.getByText("Sketch the landing page")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
  // Tailwind produced the classes the example uses: the heading is bold, not the UA's default.
  const weight = await frame.getByRole("heading", { name: "Today" }).evaluate((h) => getComputedStyle(h).fontWeight);
  expect(weight).toBe("700");
  await page.getByTestId("tab-code").click();
  await expect(page.getByTestId("file-tree-item").first()).toBeVisible();
});

test("the chat API refuses a model id when none is configured", async ({ request, baseURL }) => {
  const headers = { origin: baseURL!, "content-type": "application/json" };
  expect([200, 201]).toContain((await request.post("/api/projects", { headers, data: { id: "p1", title: "No model" } })).status());
  const res = await request.post("/api/chat", {
    headers,
    data: { projectId: "p1", model: "openai:gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] },
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toMatch(/gpt-4\.1-mini/);
});
