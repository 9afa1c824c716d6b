import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { captureLogs } from "../../../support/logs";

/**
 * The stream as the response sees it: nothing is read until the test reads, so "a client that
 * reads nothing" is exactly that. Over real HTTP with a slow socket:
 * tests/integration/http/ndjson-backpressure.test.ts.
 */

const request = (signal?: AbortSignal) => new Request("http://127.0.0.1:3000/api/x", { method: "POST", ...(signal ? { signal } : {}) });
const decoder = new TextDecoder();

async function readAll(res: Response): Promise<{ lines: Record<string, unknown>[]; bytes: number }> {
  const reader = res.body!.getReader();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  return { lines: text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), bytes };
}

const tick = () => new Promise((r) => setImmediate(r));
const KIB = 1024;

describe("ndjsonResponse", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });

  it("streams every event of a run, in order, and ends", async () => {
    const res = ndjsonResponse(request(), "req-1", async (send) => {
      for (let i = 0; i < 500; i++) send({ type: "output", i });
      send({ type: "result", ok: true });
    });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const { lines } = await readAll(res);
    expect(lines).toHaveLength(501);
    expect(lines.slice(0, 500).map((l) => l.i)).toEqual([...Array(500).keys()]);
    expect(lines[500]).toEqual({ type: "result", ok: true });
  });

  it("ends a run whose client reads nothing once the bound is waiting, and says why on the last line", async () => {
    let offered = 0;
    let accepted = 0;
    let reason: unknown;
    const done = { value: false };
    const line = "x".repeat(16 * KIB);
    const res = ndjsonResponse(
      request(),
      "req-slow",
      async (send, signal) => {
        // A flood: far more than the bound, as fast as the event loop allows.
        while (!signal.aborted && offered < 64 * 1024 * KIB) {
          send({ type: "output", stream: "stdout", text: line });
          offered += line.length;
          if (!signal.aborted) accepted += line.length;
          if (offered % (1024 * KIB) === 0) await tick();
        }
        reason = signal.reason;
        done.value = true;
      },
      { maxBufferedBytes: 1024 * KIB },
    );
    while (!done.value) await tick();
    expect(reason).toBeInstanceOf(AppError);
    expect((reason as AppError).code).toBe("unavailable:slow_client");
    // Stopped at the bound (plus the one event that crossed it), nowhere near the 64 MiB offered.
    expect(accepted).toBeLessThanOrEqual(1024 * KIB + 16 * KIB);
    const { lines, bytes } = await readAll(res);
    // What waited was dropped: the client gets the error at once instead of a backlog first.
    expect(bytes).toBeLessThan(1024);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ type: "error", error: { code: "unavailable:slow_client", requestId: "req-slow", retryable: true } });
    expect(String((lines[0]!.error as { message: string }).message)).toMatch(/connection could not keep up/);
    expect(logs.lines.some((l) => l.event === "stream.slow_client" && l.limit === 1024 * KIB)).toBe(true);
  });

  it("gives a client that reads slowly but keeps up the whole run", async () => {
    const res = ndjsonResponse(
      request(),
      "req-2",
      async (send) => {
        for (let i = 0; i < 200; i++) {
          send({ type: "output", text: "y".repeat(4 * KIB) });
          await tick();
        }
        send({ type: "result" });
      },
      { maxBufferedBytes: 256 * KIB },
    );
    const reader = res.body!.getReader();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      await tick();
    }
    const lines = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string });
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toEqual({ type: "result" });
  });

  it("sends one event larger than the bound when nothing else waits", async () => {
    const big = "z".repeat(600 * KIB);
    const res = ndjsonResponse(request(), "req-3", async (send) => send({ type: "result", stdout: big }), { maxBufferedBytes: 256 * KIB });
    const { lines } = await readAll(res);
    expect(lines).toEqual([{ type: "result", stdout: big }]);
  });

  it("lets a newer partial replace one still waiting, so a reader that lags gets the latest instead of a backlog", async () => {
    const part = (n: number) => ({ type: "partial", n, text: "p".repeat(512 * KIB) });
    let aborted = false;
    const res = ndjsonResponse(
      request(),
      "req-4",
      async (send, signal) => {
        send({ type: "start" });
        // 64 partials of 512 KiB: 32 MiB in all, against a 2 MiB bound.
        for (let n = 0; n < 64; n++) send(part(n));
        send({ type: "fragment", done: true });
        aborted = signal.aborted;
      },
      { maxBufferedBytes: 2048 * KIB, supersede: (e) => ((e as { type: string }).type === "partial" ? "partial" : undefined) },
    );
    const { lines } = await readAll(res);
    expect(aborted).toBe(false);
    expect(lines.map((l) => l.type)).toEqual(["start", "partial", "fragment"]);
    expect(lines[1]!.n).toBe(63);
  });

  it("ends with an error line shaped like an HTTP error when the producer fails", async () => {
    const res = ndjsonResponse(request(), "req-5", async (send) => {
      send({ type: "progress" });
      throw new AppError("unavailable:sandbox", "The sandbox could not be started.");
    });
    const { lines } = await readAll(res);
    expect(lines).toEqual([{ type: "progress" }, { type: "error", error: { code: "unavailable:sandbox", message: "The sandbox could not be started.", requestId: "req-5", retryable: true } }]);
  });

  it("aborts the producer when the client goes away or cancels the stream", async () => {
    for (const how of ["request", "cancel"] as const) {
      const client = new AbortController();
      let signal: AbortSignal | undefined;
      const res = ndjsonResponse(request(client.signal), "req-6", async (send, s) => {
        signal = s;
        send({ type: "progress" });
        await new Promise((resolve) => s.addEventListener("abort", resolve, { once: true }));
      });
      const reader = res.body!.getReader();
      await reader.read();
      if (how === "request") client.abort();
      else await reader.cancel();
      await tick();
      expect(signal?.aborted, how).toBe(true);
    }
  });
});
