import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { problemsOf } from "../../support/env";
import { authConfigured, decodeKey, parseEnv } from "@/lib/env";

const URL_ = "https://abc.supabase.co";
const ANON = "anon-key-value";
const SUPABASE = { NEXT_PUBLIC_SUPABASE_URL: URL_, NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON };


const variables = (vars: Record<string, string>) => problemsOf(vars).map((p) => p.variable);

describe("Supabase auth variables", () => {
  it("refuses the URL without the anon key, naming the anon key", () => {
    const problems = problemsOf({ NEXT_PUBLIC_SUPABASE_URL: URL_ });
    expect(problems).toEqual([{ variable: "NEXT_PUBLIC_SUPABASE_ANON_KEY", message: expect.stringContaining("needs both") }]);
  });

  it("refuses the anon key without the URL, naming the URL", () => {
    const problems = problemsOf({ NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON });
    expect(problems).toEqual([{ variable: "NEXT_PUBLIC_SUPABASE_URL", message: expect.stringContaining("needs both") }]);
  });

  it("treats a blank value as unset", () => {
    expect(variables({ NEXT_PUBLIC_SUPABASE_URL: URL_, NEXT_PUBLIC_SUPABASE_ANON_KEY: "   " })).toEqual(["NEXT_PUBLIC_SUPABASE_ANON_KEY"]);
  });

  it("refuses a Supabase URL that is not http(s)", () => {
    expect(variables({ ...SUPABASE, NEXT_PUBLIC_SUPABASE_URL: "ftp://abc.supabase.co" })).toContain("NEXT_PUBLIC_SUPABASE_URL");
    expect(variables({ ...SUPABASE, NEXT_PUBLIC_SUPABASE_URL: "abc.supabase.co" })).toContain("NEXT_PUBLIC_SUPABASE_URL");
  });

  it("with both set, binds a network interface without ALLOW_UNAUTHENTICATED_NETWORK", () => {
    const env = parseEnv({ ...SUPABASE, HOSTNAME: "0.0.0.0" });
    expect(env.HOSTNAME).toBe("0.0.0.0");
    expect(env.ALLOW_UNAUTHENTICATED_NETWORK).toBe(false);
    // With only one of them, the network interface is still refused.
    expect(variables({ NEXT_PUBLIC_SUPABASE_URL: URL_, HOSTNAME: "0.0.0.0" }).sort()).toEqual(["HOSTNAME", "NEXT_PUBLIC_SUPABASE_ANON_KEY"]);
  });

  it("removes trailing slashes from the Supabase URL", () => {
    expect(parseEnv({ ...SUPABASE, NEXT_PUBLIC_SUPABASE_URL: "https://abc.supabase.co/" }).NEXT_PUBLIC_SUPABASE_URL).toBe(URL_);
    expect(parseEnv({ ...SUPABASE, NEXT_PUBLIC_SUPABASE_URL: " http://127.0.0.1:54321// " }).NEXT_PUBLIC_SUPABASE_URL).toBe("http://127.0.0.1:54321");
    expect(parseEnv(SUPABASE).NEXT_PUBLIC_SUPABASE_URL).toBe(URL_);
  });

  it("refuses SUPABASE_JWT_SECRET when Supabase is not configured", () => {
    const secret = "s".repeat(40);
    expect(problemsOf({ SUPABASE_JWT_SECRET: secret })).toEqual([
      { variable: "SUPABASE_JWT_SECRET", message: expect.stringContaining("Supabase auth is not configured") },
    ]);
    expect(parseEnv({ ...SUPABASE, SUPABASE_JWT_SECRET: secret }).SUPABASE_JWT_SECRET).toBe(secret);
  });

  it("refuses a SUPABASE_JWT_SECRET shorter than 32 characters", () => {
    expect(variables({ ...SUPABASE, SUPABASE_JWT_SECRET: "x".repeat(31) })).toEqual(["SUPABASE_JWT_SECRET"]);
    expect(parseEnv({ ...SUPABASE, SUPABASE_JWT_SECRET: "x".repeat(32) }).SUPABASE_JWT_SECRET).toHaveLength(32);
  });
});

describe("authConfigured", () => {
  it("is true only with both Supabase variables", () => {
    expect(authConfigured(parseEnv(SUPABASE))).toBe(true);
    expect(authConfigured(parseEnv({}))).toBe(false);
    expect(authConfigured(parseEnv({ HOSTNAME: "0.0.0.0", ALLOW_UNAUTHENTICATED_NETWORK: "1" }))).toBe(false);
  });
});

describe("SHARE_MAX_DAYS", () => {
  it("defaults to 30", () => {
    expect(parseEnv({}).SHARE_MAX_DAYS).toBe(30);
  });

  it("accepts whole days from 1 to 365", () => {
    expect(parseEnv({ SHARE_MAX_DAYS: "1" }).SHARE_MAX_DAYS).toBe(1);
    expect(parseEnv({ SHARE_MAX_DAYS: "365" }).SHARE_MAX_DAYS).toBe(365);
  });

  it("refuses 0, 366, fractions and words", () => {
    for (const value of ["0", "366", "-1", "7.5", "a week"]) {
      expect(variables({ SHARE_MAX_DAYS: value }), value).toEqual(["SHARE_MAX_DAYS"]);
    }
  });
});

describe("KEYS_ENCRYPTION_KEY", () => {
  const raw = randomBytes(32);

  it("accepts 32 bytes as base64, base64url (padded or not) and 64 hex characters, decoding them to those bytes", () => {
    // Bytes that give both + / in base64 and - _ in base64url.
    const tricky = Buffer.from(Array.from({ length: 32 }, (_, i) => (i % 2 ? 0xfb : 0xff)));
    for (const bytes of [raw, tricky]) {
      for (const text of [bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("base64url") + "=", bytes.toString("hex"), bytes.toString("hex").toUpperCase()]) {
        expect(parseEnv({ KEYS_ENCRYPTION_KEY: text }).KEYS_ENCRYPTION_KEY, text).toBe(text);
        expect(Buffer.from(decodeKey(text)!).equals(bytes), text).toBe(true);
      }
    }
    expect(tricky.toString("base64")).toMatch(/[+/]/);
    expect(tricky.toString("base64url")).toMatch(/[-_]/);
  });

  it("is optional", () => {
    expect(parseEnv({}).KEYS_ENCRYPTION_KEY).toBeUndefined();
    expect(parseEnv({ KEYS_ENCRYPTION_KEY: "" }).KEYS_ENCRYPTION_KEY).toBeUndefined();
  });

  it("refuses 31 or 33 bytes in any encoding", () => {
    for (const n of [31, 33]) {
      const bytes = randomBytes(n);
      for (const text of [bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")]) {
        expect(decodeKey(text), `${n} bytes: ${text}`).toBeNull();
        expect(variables({ KEYS_ENCRYPTION_KEY: text }), text).toEqual(["KEYS_ENCRYPTION_KEY"]);
      }
    }
  });

  it("refuses junk", () => {
    for (const text of ["changeme", "x".repeat(64), "g".repeat(64), `${"A".repeat(43)}===`, `${"A".repeat(42)}!`, `${"A".repeat(20)} ${"A".repeat(23)}`]) {
      expect(decodeKey(text), text).toBeNull();
      expect(variables({ KEYS_ENCRYPTION_KEY: text }), text).toEqual(["KEYS_ENCRYPTION_KEY"]);
    }
  });

  it("never puts the value in the error", () => {
    const value = randomBytes(31).toString("base64");
    const problems = problemsOf({ KEYS_ENCRYPTION_KEY: value });
    expect(problems[0]!.message).toContain("32");
    expect(JSON.stringify(problems)).not.toContain(value);
    let message = "";
    try {
      parseEnv({ KEYS_ENCRYPTION_KEY: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("KEYS_ENCRYPTION_KEY");
    expect(message).not.toContain(value);
    expect(message).not.toContain(value.slice(0, 12));
  });
});
