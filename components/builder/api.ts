import type { ChatBody } from "@/app/api/chat/schema";
import type { RunBody } from "@/app/api/sandbox/schema";
import { readNdjson, type ChatEvent, type RunEvent, type StreamError } from "@/lib/fragment/protocol";
import { RepositoryError } from "./state/repository";

/**
 * The browser side of POST /api/chat and POST /api/sandbox. Both answer NDJSON; everything that
 * can go wrong arrives here as one typed ApiError, so the UI has a single shape to show:
 * - an HTTP error before the stream: the server's { code, message, requestId };
 * - no connection, or a stream that ends without its last event: `stream_interrupted`, retryable.
 * An `error` event inside the stream is passed through as an event (it is part of the protocol).
 * Aborts (the Stop button) are rethrown as they are, so callers can tell them from failures.
 */

export const STREAM_INTERRUPTED = "stream_interrupted";
export const INTERRUPTED_MESSAGE = "The connection closed before the answer finished.";

export class ApiError extends Error implements StreamError {
  readonly code: string;
  readonly requestId: string;
  readonly retryable: boolean;
  readonly status?: number;

  constructor(error: StreamError, status?: number) {
    super(error.message);
    this.name = "ApiError";
    this.code = error.code;
    this.requestId = error.requestId;
    this.retryable = error.retryable;
    this.status = status;
  }

  toStreamError(): StreamError {
    return { code: this.code, message: this.message, requestId: this.requestId, retryable: this.retryable };
  }
}

export const interrupted = () => new ApiError({ code: STREAM_INTERRUPTED, message: INTERRUPTED_MESSAGE, requestId: "", retryable: true });

/** Any thrown value as a StreamError (for showing); aborts are the caller's to filter first. */
export function toStreamError(err: unknown): StreamError {
  if (err instanceof ApiError) return err.toStreamError();
  // The project could not be saved first (the server serves only projects it has).
  if (err instanceof RepositoryError) return { code: "save_failed", message: err.message, requestId: "", retryable: true };
  return interrupted().toStreamError();
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === "AbortError");
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; requestId?: unknown };
}

/** Turn a non-2xx answer into an ApiError carrying the server's own words. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as ErrorBody | null;
  const e = body?.error;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const requestId = str(e?.requestId) ?? response.headers.get("x-request-id") ?? "";
  return new ApiError(
    {
      code: str(e?.code) ?? `http_${response.status}`,
      message: str(e?.message) ?? `The server answered ${response.status} ${response.statusText}`.trim() + ".",
      requestId,
      // Limits and outages pass; a refused request will be refused again.
      retryable: response.status === 429 || response.status >= 500,
    },
    response.status,
  );
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export const UNREACHABLE = "unreachable";

/**
 * One JSON request to the app's API: the parsed answer, or an ApiError with the server's own
 * words (or `unreachable` when there was no answer at all).
 */
export async function requestJson<T>(method: string, url: string, body?: unknown, fetchImpl: Fetch = (u, i) => fetch(u, i)): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { "Content-Type": "application/json", Accept: "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError({ code: UNREACHABLE, message: "The server could not be reached.", requestId: "", retryable: true });
  }
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

async function post(url: string, body: unknown, signal: AbortSignal | undefined, fetchImpl: Fetch): Promise<ReadableStream<Uint8Array>> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    throw interrupted();
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (!response.body) throw interrupted();
  return response.body;
}

/** Yield the stream's events; throw `stream_interrupted` if it breaks or ends before a terminal one. */
async function* events<T extends { type: string }>(
  stream: ReadableStream<Uint8Array>,
  isTerminal: (event: T) => boolean,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  let finished = false;
  try {
    for await (const event of readNdjson<T>(stream)) {
      if (isTerminal(event)) finished = true;
      yield event;
    }
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    throw interrupted();
  }
  if (!finished) {
    if (signal?.aborted) throw signal.reason ?? new DOMException("Aborted", "AbortError");
    throw interrupted();
  }
}

export function streamChat(body: ChatBody, signal?: AbortSignal, fetchImpl: Fetch = (u, i) => fetch(u, i)): AsyncIterable<ChatEvent> {
  return (async function* () {
    const stream = await post("/api/chat", body, signal, fetchImpl);
    yield* events<ChatEvent>(stream, (e) => e.type === "fragment" || e.type === "error", signal);
  })();
}

export function runProject(body: RunBody, signal?: AbortSignal, fetchImpl: Fetch = (u, i) => fetch(u, i)): AsyncIterable<RunEvent> {
  return (async function* () {
    const stream = await post("/api/sandbox", body, signal, fetchImpl);
    yield* events<RunEvent>(stream, (e) => e.type === "result" || e.type === "error", signal);
  })();
}

/** Run a shared version (anonymously, in the sharer's sandbox). */
export function runShared(token: string, signal?: AbortSignal, fetchImpl: Fetch = (u, i) => fetch(u, i)): AsyncIterable<RunEvent> {
  return (async function* () {
    const stream = await post(`/api/shares/${encodeURIComponent(token)}/run`, {}, signal, fetchImpl);
    yield* events<RunEvent>(stream, (e) => e.type === "result" || e.type === "error", signal);
  })();
}
