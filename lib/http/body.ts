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
 * Read at most `max` bytes of the body. A declared Content-Length over the cap is refused before a
 * byte is read; an undeclared (chunked) body is cut off as soon as it passes the cap, so an
 * oversized upload costs us at most `max` bytes of memory.
 */
export async function readBodyCapped(request: Request, max: number): Promise<Uint8Array> {
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
  for (;;) {
    const { done, value } = await reader.read();
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
