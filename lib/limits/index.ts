import { MemoryRateLimiter } from "./memory";
import type { RateLimiter } from "./types";

export type { RateDecision, RateLimiter, RateRule } from "./types";
export { rateRule } from "./rules";

let current: RateLimiter | undefined;

/** The configured backend. Upstash plugs in here; routes never change. */
export function rateLimiter(): RateLimiter {
  current ??= new MemoryRateLimiter();
  return current;
}
