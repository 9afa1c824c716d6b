import type http from "node:http";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";

/** A relayed response body: decoded if it must be, pulled at the browser's pace, counted. */

const HIGH_WATER_BYTES = 64 * 1024;

/** The body as plain bytes: as it came, or decoded when the server encoded it anyway. */
export function decoded(res: http.IncomingMessage): Readable | undefined {
  const encoding = String(res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decoder =
    encoding === "identity" || encoding === ""
      ? undefined
      : encoding === "gzip" || encoding === "x-gzip"
        ? zlib.createGunzip()
        : encoding === "deflate"
          ? zlib.createInflate()
          : encoding === "br"
            ? zlib.createBrotliDecompress()
            : null;
  if (decoder === undefined) return res;
  if (decoder === null) return undefined;
  // Errors on either side surface on the decoder, which is what the body reads from.
  pipeline(res, decoder, () => {});
  return decoder;
}

/**
 * A pulled web stream over a Node stream: the source is paused whenever the stream holds its
 * high-water mark, so nothing is read from the sandbox faster than the browser takes it. Bytes are
 * counted as they pass; past the cap, or when the server stalls while the browser waits, the stream
 * errors, which makes the server close the browser's connection mid-body.
 */
export function streamBody(
  source: Readable,
  limits: { maxResponseBytes: number; idleTimeoutMs: number },
  hooks: { onEnd: () => void; onCut: (reason: string, bytes: number) => void; onCancel: () => void },
): { stream: ReadableStream<Uint8Array>; cut: (reason: string) => void } {
  let bytes = 0;
  let idle: NodeJS.Timeout | undefined;
  let done = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stopIdle = () => clearTimeout(idle);
  const cut = (reason: string) => {
    if (done) return;
    done = true;
    stopIdle();
    source.destroy();
    hooks.onCut(reason, bytes);
    controller.error(new Error(`preview response cut: ${reason}`));
  };
  const waitForData = () => {
    stopIdle();
    idle = setTimeout(() => cut("idle timeout"), limits.idleTimeoutMs);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        source.on("data", (chunk: Buffer) => {
          if (done) return;
          bytes += chunk.length;
          if (bytes > limits.maxResponseBytes) return cut("too large");
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) {
            source.pause();
            stopIdle();
          } else waitForData();
        });
        source.once("end", () => {
          if (done) return;
          done = true;
          stopIdle();
          hooks.onEnd();
          controller.close();
        });
        source.once("error", () => cut("upstream error"));
        source.once("close", () => {
          // Closed without an end: the server went away mid-body.
          if (!done) cut("upstream closed");
        });
        source.pause();
      },
      pull() {
        if (done) return;
        waitForData();
        source.resume();
      },
      cancel() {
        if (done) return;
        done = true;
        stopIdle();
        source.destroy();
        hooks.onCancel();
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
  return { stream, cut };
}
