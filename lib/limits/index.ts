import { MemoryRateLimiter } from "./memory";
import type { RateLimiter } from "./types";

export type { RateDecision, RateLimiter, RateRule } from "./types";
export { rateRule } from "./rules";

// On globalThis: the proxy and the route bundles must count against one set of windows.
const KEY = Symbol.for("tessera.rateLimiter");
const slot = globalThis as unknown as Record<typeof KEY, RateLimiter | undefined>;

/** The configured backend. Upstash plugs in here; routes never change. */
export function rateLimiter(): RateLimiter {
  slot[KEY] ??= new MemoryRateLimiter();
  return slot[KEY];
}
