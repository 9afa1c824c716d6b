import { describe, expect, it } from "vitest";
import { PartialThrottle } from "@/lib/ai/partials";

describe("PartialThrottle", () => {
  it("sends at most one partial per 40 ms and keeps the latest for the end", async () => {
    let now = 0;
    const throttle = new PartialThrottle(() => now);
    expect(await throttle.offer('{"title": "T')).toEqual({ title: "T" });
    now = 10;
    expect(await throttle.offer('{"title": "To')).toBeUndefined();
    now = 30;
    expect(await throttle.offer('{"title": "Tod')).toBeUndefined();
    expect(await throttle.flush()).toEqual({ title: "Tod" });
    expect(await throttle.flush()).toBeUndefined();
    now = 80;
    expect(await throttle.offer('{"title": "Todo"}')).toEqual({ title: "Todo" });
  });

  it("stretches the interval for large answers", async () => {
    let now = 0;
    const throttle = new PartialThrottle(() => now);
    const big = `{"title": "${"x".repeat(1_000_000)}`;
    expect(await throttle.offer(big)).toBeDefined();
    now = 200; // 1 MB at 2 MB/s → 500 ms between partials
    expect(await throttle.offer(big + "y")).toBeUndefined();
    now = 600;
    expect(await throttle.offer(big + "yy")).toBeDefined();
  });
});
