import { createServerClient, parseCookieHeader, type CookieOptions } from "@supabase/ssr";
import { decodeJwt } from "jose";
import { authConfigured, env } from "../env";
import { accessTokenFromCookies, authStorageKey } from "./cookies";

/**
 * The server's side of the Supabase session cookies (@supabase/ssr): refreshing an expired access
 * token with its refresh token (proxy.ts, before pages render) and finishing a sign-in by
 * exchanging the code from an email link or an OAuth redirect (the /auth/callback route).
 * Verifying who the caller is stays with the authenticator; this only keeps the cookies fresh.
 */

export interface CookieToSet {
  name: string;
  value: string;
  options: CookieOptions;
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

function serverClient(cookieHeader: string | null, written: CookieToSet[]) {
  const e = env();
  const url = e.NEXT_PUBLIC_SUPABASE_URL!;
  const storageKey = authStorageKey(url);
  return createServerClient(url, e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
    cookieOptions: { name: storageKey, sameSite: "lax", path: "/" },
    auth: { storageKey },
    realtime: { transport: NoRealtime as unknown as typeof WebSocket },
    cookies: {
      getAll: () => parseCookieHeader(cookieHeader ?? ""),
      setAll: (cookies) => {
        for (const c of cookies) written.push({ name: c.name, value: c.value, options: c.options });
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

/** Refresh the session; returns the cookies to write (none when there was nothing to refresh). */
export async function refreshSession(cookieHeader: string | null): Promise<CookieToSet[]> {
  const written: CookieToSet[] = [];
  // getSession() refreshes an expired session with its refresh token and writes the new cookies;
  // a refused refresh token clears them (the visitor is then signed out).
  await serverClient(cookieHeader, written).auth.getSession();
  return written;
}

/** Finish a sign-in: trade the one-time code for a session; returns the cookies to write. */
export async function exchangeCode(cookieHeader: string | null, code: string): Promise<{ cookies: CookieToSet[]; error?: string }> {
  const written: CookieToSet[] = [];
  const { error } = await serverClient(cookieHeader, written).auth.exchangeCodeForSession(code);
  return error ? { cookies: written, error: error.message } : { cookies: written };
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
