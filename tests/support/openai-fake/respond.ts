import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Outcome, Script } from "./state";

/**
 * Answers in the wire format of OpenAI's Chat Completions API, the way real servers send it:
 * a stream opens with a role-only delta, carries content deltas, closes with an empty delta and a
 * finish_reason, then a usage-only chunk (when `stream_options.include_usage` asked for one), then
 * `data: [DONE]`. Writing the real framing is what lets the provider package's own parser run.
 */

interface ChatRequest {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function fragmentText(fragment: unknown, wrap?: "fence" | "prose"): string {
  const json = JSON.stringify(fragment, null, 1);
  if (wrap === "fence") return "```json\n" + json + "\n```";
  if (wrap === "prose") return `Sure! Here is the app you asked for:\n\n${json}\n\nLet me know if you want any changes.`;
  return json;
}

export function sendError(res: ServerResponse, status: number, message: string, retryAfter?: number): void {
  const type = status === 429 ? "rate_limit_exceeded" : status === 401 || status === 403 ? "invalid_request_error" : "server_error";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { message, type, param: null, code: status === 401 ? "invalid_api_key" : null } }));
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Streams `text` as SSE and says whether it reached the end or the client went away first. */
async function streamText(res: ServerResponse, req: ChatRequest, text: string, options: { chunkChars: number; delayMs: number; cutAt?: number }): Promise<Outcome> {
  const id = `chatcmpl-${randomBytes(8).toString("hex")}`;
  const created = Math.floor(Date.now() / 1000);
  const model = req.model ?? "fake-model";
  const send = (delta: object, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);

  let gone = false;
  res.on("close", () => {
    if (!res.writableEnded) gone = true;
  });
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  send({ role: "assistant", content: "" });
  const body = options.cutAt === undefined ? text : text.slice(0, options.cutAt);
  for (const piece of chunks(body, options.chunkChars)) {
    if (gone) return "closed-by-client";
    send({ content: piece });
    if (options.delayMs > 0) await sleep(options.delayMs);
  }
  if (options.cutAt !== undefined) {
    // Give the written bytes a moment to leave, then drop the connection without a proper end.
    await sleep(20);
    res.socket?.destroy();
    return "cut";
  }
  if (gone) return "closed-by-client";
  send({}, "stop");
  if (req.stream_options?.include_usage) {
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: Math.ceil(text.length / 4), total_tokens: 10 + Math.ceil(text.length / 4) } })}\n\n`);
  }
  res.end("data: [DONE]\n\n");
  return "finished";
}

function sendCompletion(res: ServerResponse, req: ChatRequest, text: string): Outcome {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: `chatcmpl-${randomBytes(8).toString("hex")}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: req.model ?? "fake-model",
      choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: Math.ceil(text.length / 4), total_tokens: 10 + Math.ceil(text.length / 4) },
    }),
  );
  return "finished";
}

/** Plays one script to one chat request and says how the exchange ended. */
export async function play(res: ServerResponse, body: unknown, script: Script | undefined): Promise<Outcome> {
  const req = (body ?? {}) as ChatRequest;
  if (!script) {
    sendError(res, 500, "openai-fake: no script queued for this request (enqueue one, or POST /__fake/scripts)");
    return "finished";
  }
  switch (script.kind) {
    case "error":
      sendError(res, script.status, script.message ?? `openai-fake error ${script.status}`, script.retryAfter);
      return "finished";
    case "hang":
      // Never answer; the promise settles when the client (or close()) drops the connection.
      return new Promise((resolve) => res.on("close", () => resolve("closed-by-client")));
    case "cut": {
      const text = fragmentText(script.fragment);
      if (!req.stream) {
        res.socket?.destroy();
        return "cut";
      }
      return streamText(res, req, text, { chunkChars: script.chunkChars ?? 16, delayMs: 0, cutAt: script.afterChars });
    }
    case "fragment":
    case "text": {
      const text = script.kind === "text" ? script.text : fragmentText(script.fragment, script.wrap);
      if (!req.stream) return sendCompletion(res, req, text);
      return streamText(res, req, text, { chunkChars: script.chunkChars ?? 24, delayMs: script.delayMs ?? 0 });
    }
  }
}
