/** A named limit: at most `limit` requests per `windowMs`, per caller. */
export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until a request would be allowed again (0 when allowed). */
  retryAfterMs: number;
}

/** One interface per rate-limit backend (memory now, Upstash later); the spine only sees this. */
export interface RateLimiter {
  readonly name: string;
  consume(key: string, rule: RateRule): Promise<RateDecision>;
  /** The decision `consume` would make, without counting a request. */
  peek(key: string, rule: RateRule): Promise<RateDecision>;
  /** Readiness for /api/health. */
  ping(): Promise<boolean>;
}
