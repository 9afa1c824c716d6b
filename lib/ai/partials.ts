import type { PartialFragment } from "../fragment/protocol";
import { parsePartialObject } from "./json-text";

/**
 * Decides when the growing answer is parsed and sent as a partial fragment. Each partial is the
 * whole fragment so far, so both parsing and sending cost grow with the answer; sending on every
 * delta is quadratic (the SDK's own partialOutputStream does exactly that and exhausted a 4 GB heap
 * on a 400 KB answer in a measurement). The interval therefore stretches with size and with how
 * long the last parse took:
 *   interval = max(minimum, size / 2 MB per s, 4 × last parse time)
 * so a small app updates ~25 times a second and a 2 MB one about once a second, and parsing never
 * takes more than a fifth of the time. The latest text is always parsed at the end (`flush`).
 */

const MIN_INTERVAL_MS = 40;
const BYTES_PER_MS = 2_000;
const PARSE_SHARE = 4;

export class PartialThrottle {
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastParseMs = 0;
  private pending: string | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The partial to send for `text` now, or undefined when it is too soon (it is kept for flush). */
  async offer(text: string): Promise<PartialFragment | undefined> {
    const interval = Math.max(MIN_INTERVAL_MS, text.length / BYTES_PER_MS, PARSE_SHARE * this.lastParseMs);
    if (this.now() - this.lastAt < interval) {
      this.pending = text;
      return undefined;
    }
    return this.parse(text);
  }

  /** The partial for text held back by the throttle, if any. */
  async flush(): Promise<PartialFragment | undefined> {
    return this.pending === null ? undefined : this.parse(this.pending);
  }

  private async parse(text: string): Promise<PartialFragment | undefined> {
    this.pending = null;
    const started = this.now();
    const value = await parsePartialObject(text);
    this.lastAt = this.now();
    this.lastParseMs = this.lastAt - started;
    return value as PartialFragment | undefined;
  }
}
