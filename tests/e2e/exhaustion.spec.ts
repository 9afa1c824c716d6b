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
