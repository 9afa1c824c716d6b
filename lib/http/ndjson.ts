import { AppError, errorBody } from "../errors";
import { formatBytes } from "./body";
import { log } from "../log";
import { currentRequestContext } from "../request-context";

/**
 * How many encoded bytes a stream may hold for its client before the run is ended. Producers cap
 * what an honest run says: a command's live output is capped by the sandbox (1 MiB by default), a
 * result carries at most 1 MiB each of stdout and stderr, and a chat's partial fragments replace
 * one another while unsent (see `supersede`), so an honest stream has a few MiB waiting at most,
 * even for a browser on a slow link that reads nothing until the run is done. 8 MiB leaves room
 * for that; a flood fills it in well under a second and is stopped there, however much more the
 * producer goes on printing.
 */
export const NDJSON_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Lines are handed to the response in chunks of about this size (fewer writes for small lines). */
const CHUNK_BYTES = 64 * 1024;

export interface NdjsonOptions {
  /** Bytes waiting for the client past which the run is ended (NDJSON_MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
  /**
   * A key for events that a later event makes obsolete (a chat's partial fragment is the whole
   * answer so far): while one is still waiting unsent, the next one with the same key takes its
   * place instead of queueing behind it, so a slow reader gets fewer partials rather than a backlog.
   */
  supersede?: (event: unknown) => string | undefined;
}

interface Pending {
  bytes: Uint8Array;
  key?: string;
}

/**
 * A streamed NDJSON response: one JSON event per line, written as the producer emits them. The
 * producer gets an AbortSignal that fires when the client goes away (the request's own signal or
 * the stream being cancelled), so upstream work — a model call, a build — stops with it.
 *
 * The stream is pulled: lines wait in a queue until the response (and so the client's socket) asks
 * for more, and the queue is bounded in bytes. A client that cannot keep up with its producer —
 * `maxBufferedBytes` are waiting — ends the run: the producer's signal fires, what was waiting is
 * dropped, and the client gets one last error line saying its connection was too slow. `send`
 * never blocks the producer and costs nothing once the signal has fired.
 *
 * A failure after the first byte cannot change the status any more, so it is sent as a last
 * `{ type: "error", error: { code, message, requestId, retryable } }` line, shaped like an HTTP error.
 */
export function ndjsonResponse(
  request: Request,
  requestId: string,
  produce: (send: (event: unknown) => void, signal: AbortSignal) => Promise<void>,
  options: NdjsonOptions = {},
): Response {
  const maxBuffered = options.maxBufferedBytes ?? NDJSON_MAX_BUFFERED_BYTES;
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const encoder = new TextEncoder();
  const context = currentRequestContext();

  const queue: Pending[] = [];
  const waitingByKey = new Map<string, Pending>();
  let buffered = 0;
  /** No line is added after this: the producer finished, failed, or its client fell behind. */
  let ended = false;
  let cancelled = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };

  const push = (line: Uint8Array, key?: string) => {
    const entry: Pending = { bytes: line, ...(key !== undefined ? { key } : {}) };
    queue.push(entry);
    if (key !== undefined) waitingByKey.set(key, entry);
    buffered += line.byteLength;
    notify();
  };

  const errorLine = (err: unknown) => {
    const { body } = errorBody(err, requestId);
    const retryable = body.error.code === "internal" || body.error.code.startsWith("unavailable");
    return encoder.encode(`${JSON.stringify({ type: "error", error: { ...body.error, retryable } })}\n`);
  };

  /** The client is too far behind: stop the producer, drop what waits, and say why. */
  const tooSlow = (waiting: number) => {
    ended = true;
    abort.abort(new AppError("unavailable:slow_client", "slow client"));
    log().warn({ event: "stream.slow_client", path: context?.path, bufferedBytes: waiting, limit: maxBuffered }, "ended a stream whose client could not keep up");
    queue.length = 0;
    waitingByKey.clear();
    buffered = 0;
    push(
      errorLine(
        new AppError(
          "unavailable:slow_client",
          `The connection could not keep up: ${formatBytes(waiting)} of output were waiting to be sent, so the run was stopped. Try again, or make the code print less.`,
        ),
      ),
    );
  };

  const send = (event: unknown) => {
    if (ended || abort.signal.aborted) return;
    const line = encoder.encode(`${JSON.stringify(event)}\n`);
    const key = options.supersede?.(event);
    const replaced = key !== undefined ? waitingByKey.get(key) : undefined;
    if (replaced) {
      buffered += line.byteLength - replaced.bytes.byteLength;
      replaced.bytes = line;
      notify();
      return;
    }
    // One event larger than the bound still goes when nothing else waits: producers cap the size
    // of their events, and refusing a large result would fail an honest run.
    if (buffered > 0 && buffered + line.byteLength > maxBuffered) return tooSlow(buffered + line.byteLength);
    push(line, key);
  };

  /** Up to CHUNK_BYTES of waiting lines as one chunk (at least one line, however large). */
  const take = (): Uint8Array => {
    let size = 0;
    let count = 0;
    while (count < queue.length && (count === 0 || size + queue[count]!.bytes.byteLength <= CHUNK_BYTES)) size += queue[count++]!.bytes.byteLength;
    const taken = queue.splice(0, count);
    for (const entry of taken) if (entry.key !== undefined && waitingByKey.get(entry.key) === entry) waitingByKey.delete(entry.key);
    buffered -= size;
    if (taken.length === 1) return taken[0]!.bytes;
    const chunk = new Uint8Array(size);
    let offset = 0;
    for (const entry of taken) {
      chunk.set(entry.bytes, offset);
      offset += entry.bytes.byteLength;
    }
    return chunk;
  };

  void (async () => {
    try {
      await produce(send, abort.signal);
    } catch (err) {
      if (!ended && !abort.signal.aborted) {
        if (!(err instanceof AppError)) log().error({ err, path: context?.path }, "unhandled error in a streamed response");
        push(errorLine(err));
      }
    } finally {
      ended = true;
      request.signal.removeEventListener("abort", onClientGone);
      notify();
    }
  })();

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
        if (cancelled) return;
        if (queue.length > 0) controller.enqueue(take());
        else controller.close();
      },
      cancel() {
        cancelled = ended = true;
        abort.abort();
        queue.length = 0;
        waitingByKey.clear();
        buffered = 0;
        notify();
      },
    },
    // Nothing is pulled ahead of the reader: every byte not yet taken by the response stays in the
    // bounded queue above, where it is counted.
    { highWaterMark: 0 },
  );
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      // no-transform: a compressing proxy (or Next's own gzip) must not hold lines back.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
