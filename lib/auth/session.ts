import { createHash } from "node:crypto";
import { createServerClient, parseCookieHeader, serializeCookieHeader, type CookieOptions } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import { authConfigured, env } from "../env";
import { accessTokenFromCookies, authStorageKey, sessionFromCookies } from "./cookies";

/**
 * The server's side of the Supabase session cookies. The browser never reads or writes them: they
 * are HttpOnly, and every flow that changes the session (signing in, the code from an email link
 * or an OAuth redirect, refreshing, signing out) runs here, through a @supabase/ssr server client
 * whose cookie writes are collected and sent with the response.
 */

export interface CookieToSet {
  name: string;
  value: string;
  options: CookieOptions;
}

/** What a session operation needs to know about the request it serves. */
export interface SessionRequest {
  cookieHeader: string | null;
  /** The browser reached us over HTTPS: the cookies are then `Secure`. */
  https: boolean;
}

/**
 * How long the browser keeps the session cookie: one week after it was last written. It is
 * rewritten at every refresh (hourly while the app is used), so a session in use lives on and an
 * abandoned one is dropped after a week — sooner if the Supabase project's own session limits
 * end it. The cookie holds the refresh token, so it should never outlive the session it carries.
 */
export const SESSION_COOKIE_MAX_AGE_SEC = 7 * 24 * 60 * 60;
/** A PKCE verifier waits for its email link or OAuth redirect: a day is the longest Supabase lets an email link live. */
export const VERIFIER_COOKIE_MAX_AGE_SEC = 24 * 60 * 60;

/**
 * The attributes of every session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent
 * with cross-site subrequests or POSTs), Secure over HTTPS, and a bounded lifetime. @supabase/ssr
 * writes its own defaults (readable by script, 400 days) and ignores a configured max-age, so the
 * options are set here on every write.
 */
export function sessionCookieOptions(name: string, written: CookieOptions, https: boolean): CookieOptions {
  const removing = written.maxAge === 0;
  const maxAge = removing ? 0 : name.endsWith("-code-verifier") ? VERIFIER_COOKIE_MAX_AGE_SEC : SESSION_COOKIE_MAX_AGE_SEC;
  return { path: "/", sameSite: "lax", httpOnly: true, secure: https, maxAge };
}

/**
 * supabase-js builds its Realtime client when the client is made, and on Node 20 (no global
 * WebSocket) that throws unless a transport is given. The server never opens a channel.
 */
class NoRealtime {
  constructor() {
    throw new Error("Realtime is not used on the server");
  }
}

/** Refresh this long before expiry, so a page and the API calls it makes next see a live token. */
const REFRESH_MARGIN_SEC = 60;

/** A Supabase client over this request's cookies; what it writes lands in `written`. */
export function sessionClient(request: SessionRequest, written: CookieToSet[]): SupabaseClient {
  const e = env();
  const url = e.NEXT_PUBLIC_SUPABASE_URL!;
  const storageKey = authStorageKey(url);
  return createServerClient(url, e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
    cookieOptions: { name: storageKey, sameSite: "lax", path: "/", httpOnly: true, secure: request.https },
    auth: { storageKey },
    realtime: { transport: NoRealtime as unknown as typeof WebSocket },
    cookies: {
      getAll: () => parseCookieHeader(request.cookieHeader ?? ""),
      setAll: (cookies) => {
        for (const c of cookies) written.push({ name: c.name, value: c.value, options: sessionCookieOptions(c.name, c.options, request.https) });
      },
    },
  });
}

/** Whether the session cookie holds an access token that is expired or about to be. */
export async function needsRefresh(cookieHeader: string | null): Promise<boolean> {
  const e = env();
  if (!authConfigured(e) || !cookieHeader) return false;
  const token = await accessTokenFromCookies(cookieHeader, authStorageKey(e.NEXT_PUBLIC_SUPABASE_URL!));
  if (!token) return false;
  try {
    // Only the expiry is read here (unverified): the authenticator verifies the token it ends up with.
    const { exp } = decodeJwt(token);
    return typeof exp !== "number" || exp - REFRESH_MARGIN_SEC <= Date.now() / 1000;
  } catch {
    return false;
  }
}

/**
 * Refreshes in flight, by refresh token: a page that fires several API calls with an expiring
 * cookie makes one refresh, not one each. Only while the refresh runs; nothing is kept after it.
 */
const inFlight = new Map<string, Promise<CookieToSet[]>>();

/** Refresh the session; returns the cookies to write (none when there was nothing to refresh). */
export async function refreshSession(request: SessionRequest): Promise<CookieToSet[]> {
  const e = env();
  const session = await sessionFromCookies(request.cookieHeader, authStorageKey(e.NEXT_PUBLIC_SUPABASE_URL!));
  const key = session?.refreshToken ? createHash("sha256").update(`${request.https}:${session.refreshToken}`).digest("hex") : null;
  const running = key ? inFlight.get(key) : undefined;
  if (running) return running;
  const work = (async () => {
    const written: CookieToSet[] = [];
    // getSession() refreshes an expired session with its refresh token and writes the new cookies;
    // a refused refresh token clears them (the visitor is then signed out).
    await sessionClient(request, written).auth.getSession();
    return written;
  })();
  if (!key) return work;
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    inFlight.delete(key);
  }
}

/**
 * Finish a sign-in: trade the one-time code for a session; returns the cookies to write. Once
 * signed in, the PKCE verifiers of other flows this browser started go too: without a flow id in
 * the link only the newest one could ever be used.
 */
export async function exchangeCode(request: SessionRequest, code: string, flowId?: string): Promise<{ cookies: CookieToSet[]; error?: string }> {
  const written: CookieToSet[] = [];
  const { error } = await sessionClient(request, written).auth.exchangeCodeForSession(code, flowId ? { flowId } : undefined);
  if (error) return { cookies: written, error: error.message };
  const handled = new Set(written.map((c) => c.name));
  const stale = clearSessionCookies(request).filter((c) => c.name.endsWith("-code-verifier") && !handled.has(c.name));
  return { cookies: [...written, ...stale] };
}

/** Whether a cookie is one of the session's: the session (and its chunks) or a PKCE verifier. */
export function isSessionCookie(name: string): boolean {
  const e = env();
  if (!authConfigured(e)) return false;
  const storageKey = authStorageKey(e.NEXT_PUBLIC_SUPABASE_URL!);
  return name === storageKey || name.startsWith(`${storageKey}.`) || name.startsWith(`${storageKey}-`);
}

/** Cookies that delete every session and PKCE cookie the request carries (signing out, a revoked session). */
export function clearSessionCookies(request: SessionRequest): CookieToSet[] {
  return parseCookieHeader(request.cookieHeader ?? "")
    .filter((c) => isSessionCookie(c.name))
    .map((c) => ({ name: c.name, value: "", options: sessionCookieOptions(c.name, { maxAge: 0 }, request.https) }));
}

/** Whether a response already writes the session (a handler that signed in or out owns it). */
export function writesSession(response: Response): boolean {
  return response.headers.getSetCookie().some((c) => isSessionCookie(c.slice(0, c.indexOf("="))));
}

/** Add cookies to a response; a cookie the response already sets is left as it was written. */
export function appendCookies(response: Response, cookies: readonly CookieToSet[]): Response {
  if (cookies.length === 0) return response;
  const already = new Set(response.headers.getSetCookie().map((c) => c.slice(0, c.indexOf("="))));
  for (const c of cookies) if (!already.has(c.name)) response.headers.append("set-cookie", serializeCookieHeader(c.name, c.value, c.options));
  // A response that carries a session must never be stored by a shared cache.
  response.headers.set("cache-control", "private, no-store");
  return response;
}

/**
 * A Cookie request header with `written` applied (what the page rendering next should see). Other
 * cookies pass through byte for byte: decoding and re-joining them could turn an encoded `;` in
 * one value into a cookie of its own.
 */
export function applyCookies(cookieHeader: string | null, written: readonly CookieToSet[]): string {
  const jar = new Map<string, string>();
  for (const part of (cookieHeader ?? "").split(";")) {
    const pair = part.trim();
    const eq = pair.indexOf("=");
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair);
  }
  for (const c of written) {
    if (c.value === "" || c.options.maxAge === 0) jar.delete(c.name);
    else jar.set(c.name, `${c.name}=${encodeURIComponent(c.value)}`);
  }
  return [...jar.values()].join("; ");
}
