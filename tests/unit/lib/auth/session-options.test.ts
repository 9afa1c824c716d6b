import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendCookies, clearSessionCookies, SESSION_COOKIE_MAX_AGE_SEC, sessionCookieOptions, VERIFIER_COOKIE_MAX_AGE_SEC, writesSession } from "@/lib/auth/session";
import { resetEnvForTests } from "@/lib/env";

const KEY = "sb-abc-auth-token";
const saved = { ...process.env };

beforeAll(() => {
  process.env.NEXT_PUBLIC_SUPABASE_URL = "https://abc.supabase.co";
  process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY = "anon";
  resetEnvForTests();
});
afterAll(() => {
  process.env = saved;
  resetEnvForTests();
});

/** A Set-Cookie header as attribute → value (flags as ""), names lower-cased. */
function attributes(header: string): Map<string, string> {
  const [, ...parts] = header.split(";").map((p) => p.trim());
  return new Map(parts.map((p) => [p.split("=")[0]!.toLowerCase(), p.includes("=") ? p.slice(p.indexOf("=") + 1) : ""]));
}

describe("sessionCookieOptions", () => {
  it("writes every session cookie HttpOnly, SameSite=Lax, for the whole site, for a week — whatever @supabase/ssr asked for", () => {
    // What @supabase/ssr passes by default: readable by script, 400 days.
    const ssrDefaults = { path: "/", sameSite: "lax" as const, httpOnly: false, maxAge: 400 * 24 * 3600 };
    for (const name of [KEY, `${KEY}.0`, `${KEY}.1`]) {
      expect(sessionCookieOptions(name, ssrDefaults, false)).toEqual({ path: "/", sameSite: "lax", httpOnly: true, secure: false, maxAge: SESSION_COOKIE_MAX_AGE_SEC });
    }
    expect(SESSION_COOKIE_MAX_AGE_SEC).toBe(7 * 24 * 3600);
    expect(sessionCookieOptions(KEY, { sameSite: "none", domain: "evil.example", path: "/x" }, false)).toEqual({ path: "/", sameSite: "lax", httpOnly: true, secure: false, maxAge: SESSION_COOKIE_MAX_AGE_SEC });
  });

  it("is Secure exactly when the browser came over HTTPS", () => {
    expect(sessionCookieOptions(KEY, {}, true).secure).toBe(true);
    expect(sessionCookieOptions(KEY, { secure: true }, false).secure).toBe(false);
  });

  it("keeps a PKCE verifier a day at most, and deletes with Max-Age 0", () => {
    expect(sessionCookieOptions(`${KEY}-code-verifier`, {}, false).maxAge).toBe(VERIFIER_COOKIE_MAX_AGE_SEC);
    expect(sessionCookieOptions(`${KEY}-flow-0123456789abcdef-code-verifier`, {}, false)).toMatchObject({ httpOnly: true, maxAge: 24 * 3600 });
    expect(sessionCookieOptions(KEY, { maxAge: 0 }, true)).toEqual({ path: "/", sameSite: "lax", httpOnly: true, secure: true, maxAge: 0 });
  });
});

describe("session cookies on a response", () => {
  const cookie = (name: string, value = "v") => ({ name, value, options: sessionCookieOptions(name, {}, false) });

  it("serialises with the attributes, and marks the response not to be stored", () => {
    const res = appendCookies(Response.json({}), [cookie(KEY, "base64-abc")]);
    const [header] = res.headers.getSetCookie();
    expect(header!.split(";")[0]).toBe(`${KEY}=base64-abc`);
    const attrs = attributes(header!);
    expect(attrs.has("httponly")).toBe(true);
    expect(attrs.get("samesite")?.toLowerCase()).toBe("lax");
    expect(attrs.get("max-age")).toBe(String(SESSION_COOKIE_MAX_AGE_SEC));
    expect(attrs.get("path")).toBe("/");
    expect(attrs.has("secure")).toBe(false);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("never overwrites a cookie the response already sets, and adds nothing when there is nothing", () => {
    const res = new Response(null, { headers: [["set-cookie", `${KEY}=; Max-Age=0; Path=/`]] });
    appendCookies(res, [cookie(KEY, "resurrected"), cookie("other")]);
    expect(res.headers.getSetCookie()).toEqual([`${KEY}=; Max-Age=0; Path=/`, expect.stringMatching(/^other=v;/)]);
    const untouched = Response.json({}, { headers: { "cache-control": "public, max-age=60" } });
    expect(appendCookies(untouched, []).headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("tells a response that writes the session (the handler owns it) from one that does not", () => {
    expect(writesSession(new Response(null, { headers: [["set-cookie", `${KEY}.0=; Max-Age=0`]] }))).toBe(true);
    expect(writesSession(new Response(null, { headers: [["set-cookie", `${KEY}-code-verifier=x`]] }))).toBe(true);
    expect(writesSession(new Response(null, { headers: [["set-cookie", "tessera-prefs=x"]] }))).toBe(false);
    // A name that merely starts like ours is someone else's.
    expect(writesSession(new Response(null, { headers: [["set-cookie", `${KEY}x=1`]] }))).toBe(false);
  });

  it("clears every session and verifier cookie the request carries, and nothing else", () => {
    const cleared = clearSessionCookies({ cookieHeader: `${KEY}.0=a; ${KEY}.1=b; ${KEY}-code-verifier=c; theme=dark; ${KEY}x=keep`, https: true });
    expect(cleared.map((c) => c.name).sort()).toEqual([`${KEY}-code-verifier`, `${KEY}.0`, `${KEY}.1`]);
    for (const c of cleared) expect(c).toMatchObject({ value: "", options: { maxAge: 0, httpOnly: true, secure: true, path: "/" } });
    expect(clearSessionCookies({ cookieHeader: null, https: false })).toEqual([]);
  });
});
