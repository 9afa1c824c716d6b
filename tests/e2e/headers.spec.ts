import { expect, test, type APIResponse } from "@playwright/test";

/** DESIGN 4.2, checked on every kind of response the server gives. */
function expectSecurityHeaders(res: APIResponse, label: string) {
  const h = res.headers();
  const csp = h["content-security-policy"];
  expect(csp, `${label}: CSP`).toBeTruthy();
  const directives = Object.fromEntries(
    csp!.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  ) as Record<string, string[]>;
  const script = directives["script-src"]!;
  expect(script.some((v) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(v)), `${label}: script nonce`).toBe(true);
  expect(script).toContain("'strict-dynamic'");
  expect(script.join(" ")).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(directives["object-src"]).toEqual(["'none'"]);
  expect(directives["base-uri"]).toEqual(["'none'"]);
  expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  expect(directives["form-action"]).toEqual(["'self'"]);
  expect(directives["connect-src"]).toContain("'self'");
  expect(directives["frame-src"]).toContain("'self'");
  expect(h["x-frame-options"], label).toBe("DENY");
  expect(h["x-content-type-options"], label).toBe("nosniff");
  expect(h["referrer-policy"], label).toBe("strict-origin-when-cross-origin");
  for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
    expect(h["permissions-policy"], label).toContain(`${feature}=()`);
  }
  expect(h["cross-origin-opener-policy"], label).toBe("same-origin");
  // Served over plain HTTP here: HSTS must not be sent (it is only honoured, and only correct, over HTTPS).
  expect(h["strict-transport-security"], label).toBeUndefined();
  expect(h["x-request-id"], `${label}: request id`).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  return script.find((v) => v.startsWith("'nonce-"))!.slice(7, -1);
}

test.describe("security headers on every response", () => {
  test("HTML page: CSP nonce matches the page's scripts and changes per request", async ({ request }) => {
    const first = await request.get("/");
    expect(first.status()).toBe(200);
    const nonce = expectSecurityHeaders(first, "page");
    const html = await first.text();
    const scriptNonces = [...html.matchAll(/<script\b[^>]*\bnonce="([^"]+)"/g)].map((m) => m[1]);
    const scriptTags = [...html.matchAll(/<script\b/g)].length;
    expect(scriptTags).toBeGreaterThan(0);
    expect(scriptNonces.length, "every script tag carries the nonce").toBe(scriptTags);
    expect(new Set(scriptNonces)).toEqual(new Set([nonce]));

    const second = await request.get("/");
    const nonce2 = expectSecurityHeaders(second, "page again");
    expect(nonce2).not.toBe(nonce);
  });

  test("JSON route", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.headers()["content-type"]).toContain("application/json");
    expectSecurityHeaders(res, "json route");
  });

  test("unknown API path answers JSON 404 with the headers", async ({ request }) => {
    const res = await request.get("/api/does-not-exist/at/all");
    expect(res.status()).toBe(404);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "not_found", requestId: res.headers()["x-request-id"] });
    expectSecurityHeaders(res, "unknown api");
  });

  test("a method the route does not serve (Next's own 405)", async ({ request }) => {
    const res = await request.delete("/api/health");
    expect(res.status()).toBe(405);
    expectSecurityHeaders(res, "405");
  });

  test("the request id the client sent (when well-formed) comes back", async ({ request }) => {
    const res = await request.get("/api/health", { headers: { "x-request-id": "trace-0123456789" } });
    expect(res.headers()["x-request-id"]).toBe("trace-0123456789");
    const page = await request.get("/", { headers: { "x-request-id": "trace-abcdefghij" } });
    expect(page.headers()["x-request-id"]).toBe("trace-abcdefghij");
  });

  test("404 page", async ({ request }) => {
    const res = await request.get("/no-such-page");
    expect(res.status()).toBe(404);
    expectSecurityHeaders(res, "404 page");
  });

  test("static assets: public file and a built chunk", async ({ request }) => {
    const icon = await request.get("/favicon.svg");
    expect(icon.status()).toBe(200);
    expectSecurityHeaders(icon, "public asset");
    const html = await (await request.get("/")).text();
    const chunk = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
    expect(chunk, "page references a built chunk").toBeTruthy();
    const res = await request.get(chunk!);
    expect(res.status()).toBe(200);
    expectSecurityHeaders(res, "built chunk");
  });

  test("loading and using the page raises no CSP violation", async ({ page }) => {
    await page.addInitScript(() => {
      (window as unknown as { __violations: string[] }).__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
    });
    await page.goto("/");
    await expect(page.getByTestId("workspace-panel")).toBeVisible();
    await page.getByTestId("tab-preview").click();
    await page.getByTestId("tab-code").click();
    await page.getByTestId("chat-input").fill("A todo app with local storage");
    await page.getByTestId("theme-toggle").click();
    const beforeReload = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    expect(beforeReload).toEqual([]);
    await page.reload();
    await expect(page.getByTestId("workspace-panel")).toBeVisible();
    const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
