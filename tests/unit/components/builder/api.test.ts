import { describe, expect, it } from "vitest";
import { ApiError, INTERRUPTED_MESSAGE, runProject, STREAM_INTERRUPTED, streamChat, type Fetch } from "@/components/builder/api";
import type { ChatEvent, RunEvent } from "@/lib/fragment/protocol";
import { fragment } from "./fixtures";

const encoder = new TextEncoder();

/** A Response whose body is the given chunks, optionally failing after them. */
function ndjson(chunks: string[], opts: { fail?: boolean } = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (opts.fail) controller.error(new TypeError("network error"));
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/x-ndjson" } });
}

const line = (event: unknown) => `${JSON.stringify(event)}\n`;
const fetchOf = (response: Response | (() => Promise<Response>)): Fetch => async () => (typeof response === "function" ? response() : response);
const chatBody = { projectId: "p1", model: "openai:gpt", template: "auto", messages: [{ role: "user" as const, content: "hi" }] };

async function collect<T>(iterable: AsyncIterable<T>): Promise<{ events: T[]; error?: unknown }> {
  const events: T[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

describe("streamChat", () => {
  it("yields the events of a complete stream, split across chunks", async () => {
    const fragmentLine = line({ type: "fragment", fragment: fragment(), mode: "native" });
    const response = ndjson([line({ type: "start", model: { id: "m", label: "M" }, mode: "native" }), fragmentLine.slice(0, 20), fragmentLine.slice(20)]);
    const { events, error } = await collect<ChatEvent>(streamChat(chatBody, undefined, fetchOf(response)));
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(["start", "fragment"]);
  });

  it("turns an HTTP error into an ApiError with the server's code, message and request id", async () => {
    const response = new Response(JSON.stringify({ error: { code: "bad_request:validation", message: "Unknown model.", requestId: "req-1" } }), {
      status: 400,
      headers: { "content-type": "application/json" },
    });
    const { error } = await collect(streamChat(chatBody, undefined, fetchOf(response)));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "bad_request:validation", message: "Unknown model.", requestId: "req-1", retryable: false, status: 400 });
  });

  it("marks rate limits and server errors retryable, even without a JSON body", async () => {
    const { error } = await collect(streamChat(chatBody, undefined, fetchOf(new Response("upstream down", { status: 502, headers: { "x-request-id": "req-2" } }))));
    expect(error).toMatchObject({ code: "http_502", requestId: "req-2", retryable: true });
    const limited = await collect(streamChat(chatBody, undefined, fetchOf(new Response(JSON.stringify({ error: { code: "rate_limit", message: "Slow down.", requestId: "r" } }), { status: 429 }))));
    expect(limited.error).toMatchObject({ code: "rate_limit", retryable: true });
  });

  it("reports a stream that ends before its last event as interrupted", async () => {
    const { events, error } = await collect(streamChat(chatBody, undefined, fetchOf(ndjson([line({ type: "partial", fragment: { title: "x" } })]))));
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: STREAM_INTERRUPTED, message: INTERRUPTED_MESSAGE, retryable: true });
  });

  it("reports a torn last line and a broken connection as interrupted", async () => {
    const torn = await collect(streamChat(chatBody, undefined, fetchOf(ndjson(['{"type":"partial","fragm']))));
    expect(torn.error).toMatchObject({ code: STREAM_INTERRUPTED });
    const broken = await collect(streamChat(chatBody, undefined, fetchOf(ndjson([line({ type: "partial", fragment: {} })], { fail: true }))));
    expect(broken.error).toMatchObject({ code: STREAM_INTERRUPTED });
  });

  it("reports a failed fetch as interrupted", async () => {
    const { error } = await collect(streamChat(chatBody, undefined, () => Promise.reject(new TypeError("Failed to fetch"))));
    expect(error).toMatchObject({ code: STREAM_INTERRUPTED, message: INTERRUPTED_MESSAGE });
  });

  it("passes an error event through as the stream's last event", async () => {
    const event = { type: "error", error: { code: "timeout", message: "The model took too long.", requestId: "r", retryable: true } };
    const { events, error } = await collect<ChatEvent>(streamChat(chatBody, undefined, fetchOf(ndjson([line(event)]))));
    expect(error).toBeUndefined();
    expect(events).toEqual([event]);
  });

  it("rethrows an abort as it is, not as a failure", async () => {
    const controller = new AbortController();
    controller.abort();
    const abortingFetch: Fetch = (_url, init) => Promise.reject(Object.assign(new Error("aborted"), { name: "AbortError", signal: init.signal }));
    const { error } = await collect(streamChat(chatBody, controller.signal, abortingFetch));
    expect(error).not.toBeInstanceOf(ApiError);
    expect((error as Error).name).toBe("AbortError");
  });
});

describe("runProject", () => {
  const body = { projectId: "p1", state: { template: "react", files: [{ path: "src/App.tsx", content: "x" }], entry: "src/App.tsx" } };

  it("ends at a result", async () => {
    const events = [
      { type: "progress", step: "building", message: "Building" },
      { type: "result", result: { kind: "preview", url: "/preview/t/", sandboxId: "s", durationMs: 5 } },
    ];
    const { events: got, error } = await collect<RunEvent>(runProject(body, undefined, fetchOf(ndjson(events.map(line)))));
    expect(error).toBeUndefined();
    expect(got.map((e) => e.type)).toEqual(["progress", "result"]);
  });

  it("is interrupted when the stream stops mid-build", async () => {
    const { error } = await collect(runProject(body, undefined, fetchOf(ndjson([line({ type: "progress", step: "building", message: "Building" })]))));
    expect(error).toMatchObject({ code: STREAM_INTERRUPTED, retryable: true });
  });

  it("sends the body as JSON to /api/sandbox", async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const spy: Fetch = async (url, init) => {
      seen = { url, init };
      return ndjson([line({ type: "result", result: { kind: "preview", url: "/p/", sandboxId: "s", durationMs: 1 } })]);
    };
    await collect(runProject(body, undefined, spy));
    expect(seen?.url).toBe("/api/sandbox");
    expect(seen?.init.method).toBe("POST");
    expect(JSON.parse(String(seen?.init.body))).toEqual(body);
  });
});
