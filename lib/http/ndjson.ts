import { AppError, errorBody } from "../errors";
import { log } from "../log";
import { currentRequestContext } from "../request-context";

/**
 * A streamed NDJSON response: one JSON event per line, written as the producer emits them. The
 * producer gets an AbortSignal that fires when the client goes away (the request's own signal or
 * the stream being cancelled), so upstream work — a model call, a build — stops with it.
 *
 * A failure after the first byte cannot change the status any more, so it is sent as a last
 * `{ type: "error", error: { code, message, requestId, retryable } }` line, shaped like an HTTP error.
 */
export function ndjsonResponse(
  request: Request,
  requestId: string,
  produce: (send: (event: unknown) => void, signal: AbortSignal) => Promise<void>,
): Response {
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const encoder = new TextEncoder();
  const context = currentRequestContext();

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: unknown) => {
        if (abort.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          abort.abort();
        }
      };
      try {
        await produce(send, abort.signal);
      } catch (err) {
        if (!abort.signal.aborted) {
          if (!(err instanceof AppError)) log().error({ err, path: context?.path }, "unhandled error in a streamed response");
          const { body } = errorBody(err, requestId);
          send({ type: "error", error: { ...body.error, retryable: body.error.code === "internal" || body.error.code.startsWith("unavailable") } });
        }
      } finally {
        request.signal.removeEventListener("abort", onClientGone);
        try {
          controller.close();
        } catch {
          // Already closed by a cancelled reader.
        }
      }
    },
    cancel() {
      abort.abort();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      // no-transform: a compressing proxy (or Next's own gzip) must not hold lines back.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
