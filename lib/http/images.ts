import { AppError } from "../errors";

/**
 * An uploaded image is what its bytes say, not what its name or declared type claims: a text file
 * renamed .png is refused. Only the formats every multimodal provider accepts are allowed.
 */
export type ImageType = "image/png" | "image/jpeg" | "image/webp" | "image/gif";

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 4) === "PNG" && bytes[4] === 0x0d && bytes[5] === 0x0a && bytes[6] === 0x1a && bytes[7] === 0x0a) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a")) return "image/gif";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decode, cap and sniff one image; `where` names it in the message ("messages.2.images.0"). */
export function decodeImage(data: string, declared: ImageType, maxBytes: number, where: string): Uint8Array {
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw new AppError("bad_request:validation", `${where} is not valid base64.`);
  const bytes = Uint8Array.from(Buffer.from(data, "base64"));
  if (bytes.byteLength > maxBytes) {
    throw new AppError("payload_too_large", `${where} is ${(bytes.byteLength / 1048576).toFixed(1)} MiB; images are capped at ${maxBytes / 1048576} MiB each.`);
  }
  const actual = sniffImageType(bytes);
  if (!actual) throw new AppError("bad_request:validation", `${where} is not a PNG, JPEG, WebP or GIF image (its bytes say otherwise, whatever its name).`);
  if (actual !== declared) throw new AppError("bad_request:validation", `${where} is declared as ${declared} but its bytes are ${actual}.`);
  return bytes;
}
