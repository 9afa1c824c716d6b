import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "@/lib/limits/memory";

const rule = { name: "t", limit: 5, windowMs: 1_000 };

describe("MemoryRateLimiter.peek", () => {
  it("never counts: 100 peeks leave the whole budget", async () => {
    const limiter = new MemoryRateLimiter(() => 10_000);
    for (let i = 0; i < 100; i++) {
      expect(await limiter.peek("a", rule)).toEqual({ allowed: true, limit: 5, remaining: 4, retryAfterMs: 0 });
    }
    for (let i = 0; i < 5; i++) expect((await limiter.consume("a", rule)).allowed, `request ${i + 1}`).toBe(true);
    expect((await limiter.consume("a", rule)).allowed).toBe(false);
  });

  it("answers exactly what consume would, without counting", async () => {
    const limiter = new MemoryRateLimiter(() => 10_000);
    for (let used = 0; used < 5; used++) {
      const peeked = await limiter.peek("a", rule);
      expect(peeked).toMatchObject({ allowed: true, remaining: 5 - used - 1, retryAfterMs: 0 });
      const consumed = await limiter.consume("a", rule);
      expect(consumed).toEqual(peeked);
    }
  });

  it("refuses with a positive retry time once consume has spent the budget, matching consume's", async () => {
    let now = 10_200;
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 5; i++) await limiter.consume("a", rule);
    const peeked = await limiter.peek("a", rule);
    expect(peeked).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    expect(peeked.retryAfterMs).toBeGreaterThan(0);
    expect(peeked.retryAfterMs).toBeLessThanOrEqual(rule.windowMs);
    // Peeking again, or a refused consume, changes nothing.
    expect(await limiter.peek("a", rule)).toEqual(peeked);
    expect(await limiter.consume("a", rule)).toEqual(peeked);
    // Once the retry time has passed both allow again.
    now += peeked.retryAfterMs;
    expect((await limiter.peek("a", rule)).allowed).toBe(true);
    expect((await limiter.consume("a", rule)).allowed).toBe(true);
  });

  it("follows the clock: the refusal's retry time shrinks as time passes", async () => {
    let now = 10_000;
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 5; i++) await limiter.consume("a", rule);
    const first = (await limiter.peek("a", rule)).retryAfterMs;
    now += 300;
    const later = await limiter.peek("a", rule);
    expect(later.allowed).toBe(false);
    expect(later.retryAfterMs).toBe(first - 300);
  });

  it("sees the previous window's weighted count, as consume does", async () => {
    let now = 10_900;
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 5; i++) await limiter.consume("a", rule);
    now = 11_100; // 90% of the previous window's 5 still count
    expect((await limiter.peek("a", rule)).allowed).toBe(false);
    now = 11_900; // 10% of them: 0.5 used
    expect(await limiter.peek("a", rule)).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("keeps callers and rules apart", async () => {
    const limiter = new MemoryRateLimiter(() => 0);
    for (let i = 0; i < 5; i++) await limiter.consume("a", rule);
    expect((await limiter.peek("a", rule)).allowed).toBe(false);
    expect(await limiter.peek("b", rule)).toMatchObject({ allowed: true, remaining: 4 });
    expect(await limiter.peek("a", { ...rule, name: "other" })).toMatchObject({ allowed: true, remaining: 4 });
  });
});
