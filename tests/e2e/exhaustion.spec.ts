import { expect, test } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";
import { logLinesFor } from "./support/server-log";

// Runs after every other spec (its own Playwright project): it spends the route's whole budget.
test("rate-limit exhaustion → 429 with Retry-After and a security event", async ({ request }) => {
  let refused: Awaited<ReturnType<typeof request.post>> | undefined;
  const statuses: number[] = [];
  for (let i = 0; i < 200 && !refused; i++) {
    const res = await request.post("/api/preferences", {
      headers: { origin: BASE_URL, "content-type": "application/json" },
      data: { theme: "system", codeFontSize: 13 },
    });
    statuses.push(res.status());
    if (res.status() === 429) refused = res;
  }
  expect(refused, `statuses: ${statuses.join(",")}`).toBeDefined();
  expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
  const retryAfter = Number(refused!.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await refused!.json()) as { error: { code: string } };
  expect(body.error.code).toBe("rate_limit:exceeded");
  const events = (await logLinesFor(refused!.headers()["x-request-id"]!)).filter((l) => l.security === true);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: "ratelimit.blocked", rule: "preferences" });
});

test("wrong share tokens are 404, then every share lookup from that address is 429 for a while", async ({ request }) => {
  const headers = { origin: BASE_URL, "content-type": "application/json" };
  // A real link, so the block is seen to cover right tokens too.
  await request.post("/api/projects", { headers, data: { id: "share-limit", title: "Share limit" } });
  await request.post("/api/projects/share-limit/versions", {
    headers,
    data: { version: { n: 1, createdAt: new Date().toISOString(), source: "edit", title: "x", template: "html", files: [{ path: "index.html", content: "<p>x</p>" }], dependencies: { npm: [], pip: [] }, entry: "index.html", port: null } },
  });
  const share = (await (await request.post("/api/projects/share-limit/shares", { headers, data: { version: 1 } })).json()) as { share: { url: string } };
  const token = share.share.url.split("/s/")[1]!;
  expect((await request.get(`/s/${token}`)).status()).toBe(200);

  const statuses: number[] = [];
  let refused: Awaited<ReturnType<typeof request.post>> | undefined;
  for (let i = 0; i < 100 && !refused; i++) {
    const wrong = `${"w".repeat(39)}${String(i).padStart(4, "0")}`;
    const res = await request.post(`/api/shares/${wrong}/run`, { headers, data: {} });
    statuses.push(res.status());
    if (res.status() === 429) refused = res;
  }
  expect(refused, `statuses: ${statuses.join(",")}`).toBeDefined();
  expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
  expect(Number(refused!.headers()["retry-after"])).toBeGreaterThan(0);
  // Now even the right token waits, on the page and on the API.
  expect((await request.get(`/s/${token}`)).status()).toBe(429);
  expect((await request.post(`/api/shares/${token}/run`, { headers, data: {} })).status()).toBe(429);
  const events = (await logLinesFor(refused!.headers()["x-request-id"]!)).filter((l) => l.security === true);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: "ratelimit.blocked", rule: "shareMiss" });
});
