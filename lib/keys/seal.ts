import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for the provider keys users ask Tessera to keep (DESIGN 4.6). The additional data
 * binds each ciphertext to its owner and provider, so a row copied onto another user or provider
 * does not open. The key id is a fingerprint of the encryption key: a row sealed under a key that
 * has since been replaced is recognised as such instead of failing as "corrupt".
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  sealed: string;
  keyId: string;
}

export function keyIdOf(key: Uint8Array): string {
  return createHash("sha256").update("tessera.user-keys.v1").update(key).digest("hex").slice(0, 16);
}

const aad = (ownerId: string, provider: string) => Buffer.from(`tessera.user-keys.v1\u0000${ownerId}\u0000${provider}`);

export function seal(key: Uint8Array, ownerId: string, provider: string, plaintext: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad(ownerId, provider));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url"), keyId: keyIdOf(key) };
}

export class SealError extends Error {
  constructor(readonly reason: "rotated" | "tampered") {
    super(reason === "rotated" ? "sealed under another encryption key" : "the sealed value does not open");
    this.name = "SealError";
  }
}

export function open(key: Uint8Array, ownerId: string, provider: string, stored: Sealed): string {
  if (stored.keyId !== keyIdOf(key)) throw new SealError("rotated");
  const bytes = Buffer.from(stored.sealed, "base64url");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SealError("tampered");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(aad(ownerId, provider));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("tampered");
  }
}
