import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "@/lib/limits/memory";

const rule = { name: "t", limit: 5, windowMs: 1_000 };

describe("MemoryRateLimiter (sliding window)", () => {
  it("allows up to the limit, then refuses with a retry time", async () => {
    let now = 10_000;
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 5; i++) expect((await limiter.consume("a", rule)).allowed).toBe(true);
    const refused = await limiter.consume("a", rule);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000 + 200);
    now += refused.retryAfterMs - 5;
    expect((await limiter.consume("a", rule)).allowed).toBe(false);
    now -= refused.retryAfterMs - 5;
    now += refused.retryAfterMs;
    expect((await limiter.consume("a", rule)).allowed).toBe(true);
  });

  it("keeps callers apart", async () => {
    const limiter = new MemoryRateLimiter(() => 0);
    for (let i = 0; i < 5; i++) await limiter.consume("a", rule);
    expect((await limiter.consume("a", rule)).allowed).toBe(false);
    expect((await limiter.consume("b", rule)).allowed).toBe(true);
  });

  it("weights the previous window so a burst at a boundary cannot double the limit", async () => {
    let now = 10_900; // 90% into a window
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 5; i++) expect((await limiter.consume("a", rule)).allowed).toBe(true);
    now = 11_100; // 10% into the next window: 90% of the previous 5 still count
    expect((await limiter.consume("a", rule)).allowed).toBe(false);
    now = 11_900; // only 10% of them count now
    expect((await limiter.consume("a", rule)).allowed).toBe(true);
  });

  it("forgets stale keys when the key table fills", async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now, 3);
    for (const k of ["a", "b", "c"]) await limiter.consume(k, rule);
    now = 5_000;
    await limiter.consume("d", rule);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
  });
});
