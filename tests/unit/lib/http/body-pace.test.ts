import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { BODY_PACE, bodyDeadlineMs, BodyTooSlow, readBodyCapped, type BodyPace } from "@/lib/http/body";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { captureLogs } from "../../../support/logs";

/**
 * Slow bodies (issue 10, finding 15): a body that falls behind the spine's pace is cut the moment
 * it does, answered 408 with the connection closed, and counted against its caller, whose next
 * requests with a body are then refused before a byte is read. Time is faked: the pace is in
 * seconds, and the tests must not depend on how busy the machine is.
 */

const ORIGIN = "http://127.0.0.1:3000";
const noParams = { params: Promise.resolve({}) };

interface Dribble {
  stream: ReadableStream<Uint8Array>;
  /** Bytes the server has pulled so far. */
  pulled(): number;
  cancelled(): boolean;
}

/** A body sent `bytes` at a time every `everyMs`, `total` in all; pulled only when read. */
function dribble(bytes: number, everyMs: number, total: number): Dribble {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent >= total) return controller.close();
        if (sent > 0) await new Promise((r) => setTimeout(r, everyMs));
        const n = Math.min(bytes, total - sent);
        sent += n;
        controller.enqueue(new Uint8Array(n).fill(0x20));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent, cancelled: () => cancelled };
}

function post(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}/api/x`, {
    method: "POST",
    headers: { host: "127.0.0.1:3000", origin: ORIGIN, "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("readBodyCapped: the pace", () => {
  const pace: BodyPace = { graceMs: 10_000, minBytesPerSecond: 1_000, capBytesPerSecond: 10_000 };

  it("reads an honest body that keeps above the floor", async () => {
    const body = dribble(2_000, 1_000, 20_000);
    const read = readBodyCapped(post(body.stream), 100_000, pace);
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await read).byteLength).toBe(20_000);
  });

  it("cuts a dribbler (one byte every 4.5 s) at the end of the grace, not at its next byte", async () => {
    const body = dribble(1, 4_500, 1_000);
    const read = readBodyCapped(post(body.stream), 100_000, pace).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(9_990);
    let settled = false;
    void read.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    // 3 bytes by 9 s: the floor wants them by 10.003 s.
    await vi.advanceTimersByTimeAsync(20);
    const err = await read;
    expect(err).toBeInstanceOf(BodyTooSlow);
    expect((err as BodyTooSlow).received).toBe(3);
    expect((err as BodyTooSlow).elapsedMs).toBeGreaterThanOrEqual(10_000);
    expect((err as BodyTooSlow).elapsedMs).toBeLessThan(10_010);
    expect((err as BodyTooSlow).status).toBe(408);
    expect(body.cancelled()).toBe(true);
  });

  it("cuts a burst that then stalls when its average falls below the floor", async () => {
    const body = dribble(5_000, 60_000, 10_000);
    const read = readBodyCapped(post(body.stream), 100_000, pace).catch((err: unknown) => err);
    // 5,000 bytes at once buy 5 s past the grace at 1,000 B/s.
    await vi.advanceTimersByTimeAsync(14_990);
    await vi.advanceTimersByTimeAsync(20);
    const err = (await read) as BodyTooSlow;
    expect(err).toBeInstanceOf(BodyTooSlow);
    expect(err.received).toBe(5_000);
    expect(Math.round(err.elapsedMs / 1000)).toBe(15);
  });

  it("cuts a body that keeps just above the floor at the absolute deadline, grace + cap / capBytesPerSecond", async () => {
    expect(bodyDeadlineMs(100_000, pace)).toBe(20_000);
    const body = dribble(1_100, 1_000, 90_000);
    const read = readBodyCapped(post(body.stream), 100_000, pace).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(21_000);
    const err = (await read) as BodyTooSlow;
    expect(err).toBeInstanceOf(BodyTooSlow);
    expect(Math.round(err.elapsedMs)).toBe(20_000);
    expect(err.message).toContain("within 20 s");
  });

  it("allows the largest route's full body at 1 Mbit/s, and a 1 MiB route 18 s", () => {
    expect(bodyDeadlineMs(24 * 1024 * 1024)).toBe(202_000);
    expect(bodyDeadlineMs(1024 * 1024)).toBe(18_000);
    expect(BODY_PACE.minBytesPerSecond).toBe(16 * 1024);
  });
});

describe("route(): slow bodies are refused, closed and counted", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  const events = () => logs.lines.filter((l) => l.security === true);
  const anonymous = () =>
    route({
      auth: "none",
      body: z.strictObject({ name: z.string() }),
      rateLimit: { name: "pace-test", limit: 1_000, windowMs: 60_000 },
      handler: ({ body }) => json({ ok: true, body }),
    });

  async function slowRequest(handler: ReturnType<typeof route>, headers: Record<string, string>) {
    const body = dribble(1, 4_500, 100);
    const pending = handler(post(body.stream, headers), noParams);
    await vi.advanceTimersByTimeAsync(BODY_PACE.graceMs + 1_000);
    return { res: await pending, body };
  }

  it("answers 408 with a message, Connection: close and one body.slow event", async () => {
    const { res, body } = await slowRequest(anonymous(), { "x-forwarded-for": "198.51.100.1" });
    expect(res.status).toBe(408);
    expect(res.headers.get("connection")).toBe("close");
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("timeout:body");
    expect(error.message).toMatch(/^The request body arrived too slowly \(3 bytes in 10\.\d s\)\. After the first 10 s this endpoint needs at least 16 KiB\/s/);
    expect(body.cancelled()).toBe(true);
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ event: "body.slow", code: "timeout:body", received: 3, subject: "ip", clientIp: "198.51.100.1" });
  });

  it("after a few slow bodies from one address, refuses its next body before reading a byte; other addresses are untouched", async () => {
    const handler = anonymous();
    const limit = rateRule("slowBody").limit;
    for (let i = 0; i < limit; i++) expect((await slowRequest(handler, { "x-forwarded-for": "198.51.100.2" })).res.status).toBe(408);

    const next = dribble(100, 10, 100);
    const blocked = await handler(post(next.stream, { "x-forwarded-for": "198.51.100.2" }), noParams);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toMatch(/sent their body too slowly/);
    expect(next.pulled()).toBe(0);
    expect(events().at(-1)).toMatchObject({ event: "ratelimit.blocked", rule: "slowBody", subject: "ip" });

    const other = new Request(`${ORIGIN}/api/x`, {
      method: "POST",
      headers: { host: "127.0.0.1:3000", origin: ORIGIN, "content-type": "application/json", "x-forwarded-for": "198.51.100.3" },
      body: JSON.stringify({ name: "fine" }),
    });
    expect((await handler(other, noParams)).status).toBe(200);
  });

  it("counts a caller whose token verifies as that user, from whatever address", async () => {
    const { authenticator } = await import("@/lib/auth");
    const auth = authenticator();
    const original = auth.authenticate;
    auth.authenticate = async (headers) =>
      headers.get("authorization") === "Bearer good" ? { principal: { userId: "user-slow", kind: "supabase" } } : { principal: null, reason: "missing" };
    try {
      const handler = route({
        auth: "optional",
        body: z.strictObject({ name: z.string() }),
        rateLimit: { name: "pace-test-user", limit: 1_000, windowMs: 60_000 },
        handler: ({ principal }) => json({ user: principal?.userId ?? null }),
      });
      const limit = rateRule("slowBody").limit;
      for (let i = 0; i < limit; i++) {
        const { res } = await slowRequest(handler, { authorization: "Bearer good", "x-forwarded-for": `203.0.113.${i + 1}` });
        expect(res.status).toBe(408);
      }
      expect(events().filter((e) => e.event === "body.slow").every((e) => e.subject === "user")).toBe(true);
      const fresh = (headers: Record<string, string>) =>
        new Request(`${ORIGIN}/api/x`, { method: "POST", headers: { host: "127.0.0.1:3000", origin: ORIGIN, "content-type": "application/json", ...headers }, body: '{"name":"x"}' });
      expect((await handler(fresh({ authorization: "Bearer good", "x-forwarded-for": "203.0.113.200" }), noParams)).status).toBe(429);
      // The same address without the token is its own caller, not blocked.
      expect((await handler(fresh({ "x-forwarded-for": "203.0.113.1" }), noParams)).status).toBe(200);
    } finally {
      auth.authenticate = original;
    }
  });
});
