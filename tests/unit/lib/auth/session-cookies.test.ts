import { createChunks, stringToBase64URL } from "@supabase/ssr";
import { describe, expect, it } from "vitest";
import { accessTokenFromCookies, authStorageKey, bearerToken } from "@/lib/auth/cookies";
import { applyCookies, type CookieToSet } from "@/lib/auth/session";

const KEY = "sb-abc-auth-token";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl";

const set = (name: string, value: string, options: CookieToSet["options"] = { path: "/" }): CookieToSet => ({ name, value, options });
const base64Cookie = (session: unknown) => `base64-${stringToBase64URL(JSON.stringify(session))}`;

/** The cookie header as a map, so a test does not depend on the order of unrelated cookies. */
const jar = (header: string) => new Map(header.split("; ").filter(Boolean).map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]));

describe("applyCookies", () => {
  it("passes other cookies through byte for byte: an encoded ; in one value never becomes a cookie", () => {
    const header = applyCookies("theme=a%3B%20sb-abc-auth-token%3Dforged; pct=100%25", [set("other", "x")]);
    expect(header).toBe("theme=a%3B%20sb-abc-auth-token%3Dforged; pct=100%25; other=x");
    expect(jar(header).has(KEY)).toBe(false);
  });

  it("adds new cookies to the header", () => {
    expect(applyCookies(null, [set(KEY, "v1")])).toBe(`${KEY}=v1`);
    expect(jar(applyCookies("theme=dark", [set(KEY, "v1"), set(`${KEY}.x`, "v2")]))).toEqual(
      new Map([
        ["theme", "dark"],
        [KEY, "v1"],
        [`${KEY}.x`, "v2"],
      ]),
    );
  });

  it("replaces a cookie's old value", () => {
    const header = applyCookies(`${KEY}=old; theme=dark`, [set(KEY, "new")]);
    expect(jar(header)).toEqual(
      new Map([
        [KEY, "new"],
        ["theme", "dark"],
      ]),
    );
    expect(header).not.toContain("old");
  });

  it("drops cookies written with maxAge 0 or an empty value", () => {
    const header = applyCookies(`${KEY}.0=a; ${KEY}.1=b; theme=dark`, [set(`${KEY}.0`, "", { path: "/", maxAge: 0 }), set(`${KEY}.1`, "still-here", { maxAge: 0 })]);
    expect(jar(header)).toEqual(new Map([["theme", "dark"]]));
    expect(applyCookies(`${KEY}=a`, [set(KEY, "")])).toBe("");
    // Deleting a cookie that was not there is harmless.
    expect(applyCookies("theme=dark", [set(KEY, "", { maxAge: 0 })])).toBe("theme=dark");
  });

  it("keeps a cookie whose maxAge is positive", () => {
    expect(applyCookies(null, [set(KEY, "v", { maxAge: 3600 })])).toBe(`${KEY}=v`);
  });

  it("applies writes in order: the last write of a name wins", () => {
    expect(applyCookies(null, [set(KEY, "first"), set(KEY, "second")])).toBe(`${KEY}=second`);
    expect(applyCookies(null, [set(KEY, "first"), set(KEY, "", { maxAge: 0 })])).toBe("");
    expect(applyCookies(null, [set(KEY, "", { maxAge: 0 }), set(KEY, "again")])).toBe(`${KEY}=again`);
  });

  it("leaves the header as it was when nothing was written", () => {
    expect(jar(applyCookies("a=1; b=2", []))).toEqual(
      new Map([
        ["a", "1"],
        ["b", "2"],
      ]),
    );
    expect(applyCookies(null, [])).toBe("");
  });

  it("makes the new session readable by accessTokenFromCookies", async () => {
    const header = applyCookies(`${KEY}=${base64Cookie({ access_token: "old" })}; theme=dark`, [set(KEY, base64Cookie({ access_token: TOKEN }))]);
    expect(await accessTokenFromCookies(header, KEY)).toBe(TOKEN);
  });
});

describe("accessTokenFromCookies", () => {
  it("reads a single base64- cookie", async () => {
    expect(await accessTokenFromCookies(`theme=dark; ${KEY}=${base64Cookie({ access_token: TOKEN, refresh_token: "r" })}`, KEY)).toBe(TOKEN);
  });

  it("reads a session split over chunks .0, .1, …", async () => {
    const value = base64Cookie({ access_token: TOKEN, refresh_token: "r".repeat(200), user: { id: "u", email: "a@example.com" } });
    const chunks = createChunks(KEY, value, 100);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((c) => c.name).slice(0, 2)).toEqual([`${KEY}.0`, `${KEY}.1`]);
    const header = chunks.map((c) => `${c.name}=${c.value}`).join("; ");
    expect(await accessTokenFromCookies(header, KEY)).toBe(TOKEN);
    // In any order in the header.
    expect(await accessTokenFromCookies([...chunks].reverse().map((c) => `${c.name}=${c.value}`).join("; "), KEY)).toBe(TOKEN);
  });

  it("reads a chunked session at the default chunk size (a long session)", async () => {
    const value = base64Cookie({ access_token: TOKEN, provider_token: "p".repeat(5000) });
    const chunks = createChunks(KEY, value);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(await accessTokenFromCookies(chunks.map((c) => `${c.name}=${c.value}`).join("; "), KEY)).toBe(TOKEN);
  });

  it("reads a plain JSON value (older cookies), URL-encoded as a cookie", async () => {
    const header = `${KEY}=${encodeURIComponent(JSON.stringify({ access_token: TOKEN }))}`;
    expect(await accessTokenFromCookies(header, KEY)).toBe(TOKEN);
  });

  it("reads only its own storage key", async () => {
    const header = `sb-other-auth-token=${base64Cookie({ access_token: "theirs" })}`;
    expect(await accessTokenFromCookies(header, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${header}; ${KEY}=${base64Cookie({ access_token: TOKEN })}`, KEY)).toBe(TOKEN);
  });

  it("is null with no header or no session cookie", async () => {
    expect(await accessTokenFromCookies(null, KEY)).toBeNull();
    expect(await accessTokenFromCookies("", KEY)).toBeNull();
    expect(await accessTokenFromCookies("theme=dark", KEY)).toBeNull();
  });

  it("is null for damaged base64 or JSON", async () => {
    expect(await accessTokenFromCookies(`${KEY}=base64-!!!not*base64`, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${KEY}=base64-${stringToBase64URL("{not json")}`, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${KEY}=${encodeURIComponent("{\"access_token\":")}`, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${KEY}=not-json-at-all`, KEY)).toBeNull();
    // A chunked session missing its middle chunk does not parse.
    const chunks = createChunks(KEY, base64Cookie({ access_token: TOKEN, refresh_token: "r".repeat(200) }), 100);
    const torn = chunks.filter((_, i) => i !== 1).map((c) => `${c.name}=${c.value}`).join("; ");
    expect(await accessTokenFromCookies(torn, KEY)).toBeNull();
  });

  it("is null for a session without a string access_token", async () => {
    expect(await accessTokenFromCookies(`${KEY}=${base64Cookie({ refresh_token: "r" })}`, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${KEY}=${base64Cookie({ access_token: 42 })}`, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${KEY}=${base64Cookie(null)}`, KEY)).toBeNull();
    expect(await accessTokenFromCookies(`${KEY}=${base64Cookie("a string")}`, KEY)).toBeNull();
  });
});

describe("bearerToken", () => {
  it("takes the token of a Bearer header, whatever the scheme's case", () => {
    expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`BEARER ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken("Bearer x.y.z")).toBe("x.y.z");
    expect(bearerToken("Bearer   x.y.z  ")).toBe("x.y.z");
    expect(bearerToken("Bearer a-b_c~d+e/f=")).toBe("a-b_c~d+e/f=");
  });

  it("refuses no header, other schemes and a missing token", () => {
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken(`Token ${TOKEN}`)).toBeNull();
    expect(bearerToken(TOKEN)).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer ")).toBeNull();
    expect(bearerToken(`Bearer${TOKEN}`)).toBeNull();
    expect(bearerToken(` Bearer ${TOKEN}`)).toBeNull();
  });

  it("refuses a token with spaces or characters outside token68", () => {
    expect(bearerToken("Bearer x.y z")).toBeNull();
    expect(bearerToken("Bearer x.y.z extra")).toBeNull();
    expect(bearerToken("Bearer x,y")).toBeNull();
    expect(bearerToken('Bearer "x.y.z"')).toBeNull();
    expect(bearerToken("Bearer x.y.z;")).toBeNull();
  });

  it("refuses header injection attempts", () => {
    expect(bearerToken("Bearer x.y.z\r\nX-User: admin")).toBeNull();
    expect(bearerToken("Bearer x.y.z\nBearer other")).toBeNull();
    expect(bearerToken("Bearer x.y.z, Bearer other")).toBeNull();
    expect(bearerToken("Bearer x.y.z\u0000admin")).toBeNull();
    expect(bearerToken("Bearer x.y.z\tadmin")).toBeNull();
  });
});

describe("authStorageKey", () => {
  it("names the cookie after the first label of the Supabase host, as supabase-js does", () => {
    expect(authStorageKey("https://abc.supabase.co")).toBe("sb-abc-auth-token");
    expect(authStorageKey("https://abc.supabase.co/")).toBe("sb-abc-auth-token");
    expect(authStorageKey("http://127.0.0.1:54321")).toBe("sb-127-auth-token");
    expect(authStorageKey("http://localhost:54321")).toBe("sb-localhost-auth-token");
  });

  it("throws for something that is not a URL", () => {
    expect(() => authStorageKey("abc.supabase.co")).toThrow();
  });
});
