import type { RateDecision, RateLimiter, RateRule } from "./types";

interface Windows {
  windowStart: number;
  current: number;
  previous: number;
}

/**
 * Sliding-window counter (the same approximation Upstash's slidingWindow uses): the previous fixed
 * window's count, weighted by how much of it still overlaps the sliding window, plus the current
 * window's count. O(1) memory per key, no timers; stale keys are swept as the map grows.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly name = "memory";
  private readonly buckets = new Map<string, Windows>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async consume(key: string, rule: RateRule): Promise<RateDecision> {
    return this.decide(key, rule, true);
  }

  async peek(key: string, rule: RateRule): Promise<RateDecision> {
    return this.decide(key, rule, false);
  }

  private decide(key: string, rule: RateRule, count: boolean): RateDecision {
    const now = this.now();
    const bucketKey = `${rule.name}\u0000${key}`;
    const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
    let w = this.buckets.get(bucketKey);
    if (!w) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now, rule.windowMs);
      w = { windowStart, current: 0, previous: 0 };
      this.buckets.set(bucketKey, w);
    } else if (w.windowStart !== windowStart) {
      w.previous = windowStart - w.windowStart === rule.windowMs ? w.current : 0;
      w.current = 0;
      w.windowStart = windowStart;
    }
    const overlap = 1 - (now - windowStart) / rule.windowMs;
    const used = w.previous * overlap + w.current;
    if (used + 1 > rule.limit) {
      return { allowed: false, limit: rule.limit, remaining: 0, retryAfterMs: this.retryAfter(w, rule, now) };
    }
    if (count) w.current += 1;
    // A peek answers what consuming would: the budget left after this request.
    return { allowed: true, limit: rule.limit, remaining: Math.max(0, Math.floor(rule.limit - used - 1)), retryAfterMs: 0 };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  /**
   * When the weighted count will have decayed enough for one more request. Within the current
   * window only the previous window's share decays; if the current window alone is full, wait for
   * the next window, where the current count becomes the decaying share.
   */
  private retryAfter(w: Windows, rule: RateRule, now: number): number {
    const room = rule.limit - 1;
    let windowStart = w.windowStart;
    let previous = w.previous;
    let current = w.current;
    if (current > room) {
      windowStart += rule.windowMs;
      previous = current;
      current = 0;
    }
    // previous * (1 - (t - windowStart) / windowMs) + current <= room  →  solve for t
    const elapsed = previous === 0 ? 0 : (1 - (room - current) / previous) * rule.windowMs;
    return Math.max(1, Math.ceil(windowStart + elapsed - now));
  }

  private sweep(now: number, windowMs: number): void {
    for (const [k, w] of this.buckets) {
      if (now - w.windowStart > 2 * windowMs) this.buckets.delete(k);
    }
  }
}
