import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyIdOf, open, seal, SealError, type Sealed } from "@/lib/keys/seal";

const KEY = new Uint8Array(randomBytes(32));
const OWNER = "user-1";
const PROVIDER = "openai";
const SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";

/** The SealError reason `fn` throws, failing the test when it throws anything else or nothing. */
function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SealError);
    return (err as SealError).reason;
  }
  throw new Error("expected a SealError");
}

const bytesOf = (s: Sealed) => Buffer.from(s.sealed, "base64url");
const withBytes = (s: Sealed, bytes: Buffer): Sealed => ({ ...s, sealed: bytes.toString("base64url") });

describe("seal / open", () => {
  it("opens what it sealed, including non-ASCII text and the empty string", () => {
    expect(open(KEY, OWNER, PROVIDER, seal(KEY, OWNER, PROVIDER, SECRET))).toBe(SECRET);
    expect(open(KEY, OWNER, PROVIDER, seal(KEY, OWNER, PROVIDER, "clé — 鍵 🔑"))).toBe("clé — 鍵 🔑");
    expect(open(KEY, OWNER, PROVIDER, seal(KEY, OWNER, PROVIDER, ""))).toBe("");
  });

  it("labels the sealed value with the key's fingerprint", () => {
    const s = seal(KEY, OWNER, PROVIDER, SECRET);
    expect(s.keyId).toBe(keyIdOf(KEY));
    expect(s.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(new Uint8Array(randomBytes(32)))).not.toBe(s.keyId);
  });

  it("gives two different sealed values for the same key (a fresh IV each time)", () => {
    const a = seal(KEY, OWNER, PROVIDER, SECRET);
    const b = seal(KEY, OWNER, PROVIDER, SECRET);
    expect(a.sealed).not.toBe(b.sealed);
    expect(bytesOf(a).subarray(0, 12).equals(bytesOf(b).subarray(0, 12))).toBe(false);
    expect(open(KEY, OWNER, PROVIDER, a)).toBe(SECRET);
    expect(open(KEY, OWNER, PROVIDER, b)).toBe(SECRET);
  });

  it("is IV + ciphertext + 16-byte tag, as long as the plaintext plus 28 bytes", () => {
    expect(bytesOf(seal(KEY, OWNER, PROVIDER, SECRET))).toHaveLength(Buffer.byteLength(SECRET) + 12 + 16);
  });

  it("does not open for another owner (the additional data binds it)", () => {
    const s = seal(KEY, OWNER, PROVIDER, SECRET);
    expect(reasonOf(() => open(KEY, "user-2", PROVIDER, s))).toBe("tampered");
    // The separator keeps owner and provider apart: moving characters between them does not open.
    expect(reasonOf(() => open(KEY, `${OWNER}o`, PROVIDER.slice(1), s))).toBe("tampered");
  });

  it("does not open for another provider", () => {
    const s = seal(KEY, OWNER, PROVIDER, SECRET);
    expect(reasonOf(() => open(KEY, OWNER, "anthropic", s))).toBe("tampered");
  });

  it("refuses a value with any one bit flipped (IV, ciphertext or tag)", () => {
    const s = seal(KEY, OWNER, PROVIDER, "short key");
    const bytes = bytesOf(s);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0, 7]) {
        const flipped = Buffer.from(bytes);
        flipped[i]! ^= 1 << bit;
        expect(reasonOf(() => open(KEY, OWNER, PROVIDER, withBytes(s, flipped))), `byte ${i} bit ${bit}`).toBe("tampered");
      }
    }
  });

  it("refuses a truncated value, whether it still has room for an IV and tag or not", () => {
    const s = seal(KEY, OWNER, PROVIDER, SECRET);
    const bytes = bytesOf(s);
    for (const length of [0, 1, 12, 27, 28, bytes.length - 1]) {
      expect(reasonOf(() => open(KEY, OWNER, PROVIDER, withBytes(s, bytes.subarray(0, length)))), `${length} bytes`).toBe("tampered");
    }
    expect(reasonOf(() => open(KEY, OWNER, PROVIDER, { ...s, sealed: s.sealed.slice(0, -3) }))).toBe("tampered");
  });

  it("says 'rotated' for a value sealed under another key, without trying to open it", () => {
    const other = new Uint8Array(randomBytes(32));
    const s = seal(other, OWNER, PROVIDER, SECRET);
    expect(reasonOf(() => open(KEY, OWNER, PROVIDER, s))).toBe("rotated");
    // Even a damaged value under another key is reported as rotated: the key id is checked first.
    expect(reasonOf(() => open(KEY, OWNER, PROVIDER, { ...s, sealed: "AAAA" }))).toBe("rotated");
  });

  it("says 'tampered' when the key id is right but the bytes were sealed under another key", () => {
    const s = seal(new Uint8Array(randomBytes(32)), OWNER, PROVIDER, SECRET);
    expect(reasonOf(() => open(KEY, OWNER, PROVIDER, { ...s, keyId: keyIdOf(KEY) }))).toBe("tampered");
  });

  it("never contains the plaintext, its base64 or base64url", () => {
    for (let i = 0; i < 20; i++) {
      const s = seal(KEY, OWNER, PROVIDER, SECRET);
      const text = JSON.stringify(s);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(SECRET).toString("base64").slice(0, 16));
      expect(text).not.toContain(Buffer.from(SECRET).toString("base64url").slice(0, 16));
      expect(bytesOf(s).includes(Buffer.from(SECRET))).toBe(false);
    }
  });

  it("names its error without the plaintext", () => {
    const s = seal(KEY, OWNER, PROVIDER, SECRET);
    try {
      open(KEY, "someone-else", PROVIDER, s);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).name).toBe("SealError");
      expect((err as Error).message).not.toContain(SECRET);
    }
  });
});
