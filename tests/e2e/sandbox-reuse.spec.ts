import { expect, test, type APIRequestContext } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";

/*
 * The served app holds one sandbox provider. Next loads server modules once per bundle (route
 * handlers, pages), and a page render once built a second provider whose start-up swept every
 * sandbox it did not know: after one GET /, live sandboxes were gone and the next run in them
 * failed. Here a run, a page render, and a run in the same sandbox again.
 */

const headers = { origin: BASE_URL, "content-type": "application/json" };

type RunLine = { type: string; step?: string; message?: string; result?: { kind: string; stdout?: string; sandboxId?: string }; error?: { message: string } };

async function runPython(request: APIRequestContext, projectId: string, text: string): Promise<RunLine[]> {
  const res = await request.post("/api/sandbox", {
    headers,
    data: { projectId, state: { template: "python", files: [{ path: "main.py", content: `print(${JSON.stringify(text)})` }], entry: "main.py", dependencies: { npm: [], pip: [] }, port: null } },
    timeout: 90_000,
  });
  expect(res.status()).toBe(200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunLine);
}

const resultOf = (lines: RunLine[]) => {
  const error = lines.find((l) => l.type === "error");
  expect(error, JSON.stringify(error)).toBeUndefined();
  return lines.find((l) => l.type === "result")!.result!;
};

test("a run, a page render, and a run in the same sandbox again: the sandbox is still there", async ({ request, page }) => {
  test.setTimeout(180_000);
  for (const id of ["p-reuse", "p-reuse-new"]) {
    const res = await request.post("/api/projects", { headers, data: { id, title: "Reuse" } });
    expect([200, 201]).toContain(res.status());
  }
  const first = resultOf(await runPython(request, "p-reuse", "first run"));
  expect(first).toMatchObject({ kind: "execution", stdout: "first run\n" });

  await page.goto("/");
  await expect(page.getByTestId("chat-input")).toBeVisible();
  expect((await request.get("/")).status()).toBe(200);

  const lines = await runPython(request, "p-reuse", "second run");
  expect(lines.some((l) => l.type === "progress" && /Reusing the project's sandbox/.test(l.message ?? ""))).toBe(true);
  const second = resultOf(lines);
  expect(second).toMatchObject({ kind: "execution", stdout: "second run\n", sandboxId: first.sandboxId });
  // And a new project still gets a sandbox (the warm pool was not swept either).
  expect(resultOf(await runPython(request, "p-reuse-new", "new project"))).toMatchObject({ kind: "execution", stdout: "new project\n" });
});
