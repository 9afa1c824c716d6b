import { AppError } from "../errors";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(max: number): AppError {
  return new AppError("payload_too_large", `Request body is larger than the ${formatBytes(max)} this endpoint accepts.`);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * How fast a body must arrive. Without a pace, a client that sends one byte every few seconds holds
 * a connection (and a handler waiting on it) for as long as the server's requestTimeout, at no
 * cost to itself: the rate limit is only charged once the body is in.
 *
 * - `graceMs`: time for a body to get going (a slow start, a phone waking its radio). A browser's
 *   JSON body arrives with its headers, in milliseconds.
 * - `minBytesPerSecond`: after the grace, the body so far must average at least this rate since the
 *   read began. 16 KiB/s is a 128 kbit/s uplink; a dribbler is cut within a second of the grace.
 * - `capBytesPerSecond`: the whole body must be in by grace + cap / this rate, whatever its pace, so
 *   a body just over the floor cannot hold on for long either. At 128 KiB/s (1 Mbit/s) a 1 MiB
 *   route allows 18 s, the 4 MiB run route 42 s, and the 24 MiB chat route 202 s.
 */
export interface BodyPace {
  graceMs: number;
  minBytesPerSecond: number;
  capBytesPerSecond: number;
}

export const BODY_PACE: BodyPace = { graceMs: 10_000, minBytesPerSecond: 16 * 1024, capBytesPerSecond: 128 * 1024 };

/** No route may accept more than this (route() refuses a larger cap): the server's requestTimeout is sized from it. */
export const LARGEST_BODY_BYTES = 24 * 1024 * 1024;

/** The absolute deadline for reading a body of at most `max` bytes. */
export function bodyDeadlineMs(max: number, pace: BodyPace = BODY_PACE): number {
  return pace.graceMs + Math.ceil((max / pace.capBytesPerSecond) * 1000);
}

/** The body did not arrive in time; says how much did, for the security event. */
export class BodyTooSlow extends AppError {
  constructor(
    readonly received: number,
    readonly elapsedMs: number,
    max: number,
    pace: BodyPace,
  ) {
    super(
      "timeout:body",
      `The request body arrived too slowly (${formatBytes(received)} in ${(elapsedMs / 1000).toFixed(1)} s). ` +
        `After the first ${pace.graceMs / 1000} s this endpoint needs at least ${formatBytes(pace.minBytesPerSecond)}/s, ` +
        `and the whole body within ${Math.round(bodyDeadlineMs(max, pace) / 1000)} s. The connection is closed.`,
      // The rest of the body is not wanted: nothing should wait for it on this connection.
      { headers: { Connection: "close" } },
    );
  }
}

const TIMED_OUT = Symbol("timed out");

/**
 * Read at most `max` bytes of the body, at the pace above. A declared Content-Length over the cap
 * is refused before a byte is read; an undeclared (chunked) body is cut off as soon as it passes the
 * cap, so an oversized upload costs us at most `max` bytes of memory. A body that falls behind the
 * pace is abandoned with BodyTooSlow the moment it does, not when its next byte happens to come.
 */
export async function readBodyCapped(request: Request, max: number, pace: BodyPace = BODY_PACE): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length < 0) throw new AppError("bad_request:validation", "Content-Length is not a valid number.");
    if (length > max) throw tooLarge(max);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const started = performance.now();
  const deadline = started + bodyDeadlineMs(max, pace);
  for (;;) {
    // The moment the body so far stops being enough: the floor for what has arrived, or the deadline.
    const behindAt = Math.min(deadline, started + pace.graceMs + (total / pace.minBytesPerSecond) * 1000);
    const result = await within(reader.read(), behindAt - performance.now());
    if (result === TIMED_OUT) {
      reader.cancel().catch(() => {});
      throw new BodyTooSlow(total, performance.now() - started, max, pace);
    }
    const { done, value } = result;
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

const NOT_YET = Symbol("not yet");

/** The promise's value, or TIMED_OUT after `ms`. No timer when the value is already there (a body in memory). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  const ready = await Promise.race([promise, Promise.resolve(NOT_YET)]);
  if (ready !== NOT_YET) return ready;
  if (ms <= 0) return TIMED_OUT;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Parse JSON with a message that says where it broke, without echoing the body back. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.trim() === "") throw new AppError("bad_request:json", "Request body is empty; expected a JSON document.");
  try {
    return JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec(String((err as Error).message))?.[1];
    const where = position !== undefined ? ` near byte ${position}` : "";
    throw new AppError("bad_request:json", `Request body is not valid JSON${where}.`);
  }
}
