import { authConfigured } from "../env";
import { log } from "../log";
import { authenticator } from "./index";
import { bearerToken } from "./cookies";
import { applyCookies, clearSessionCookies, needsRefresh, refreshSession, type CookieToSet } from "./session";
import type { AuthResult } from "./types";

/**
 * Who is calling, for pages (proxy.ts) and API routes (the spine) alike. With Supabase, a session
 * cookie whose access token is expiring is refreshed first, here on the server (the browser cannot
 * read the cookie to do it): the caller is then whoever the fresh token says, and the new cookies
 * go out with the response. API routes do not pass proxy.ts, so they need this as much as pages.
 * A cookie whose session has been signed out is deleted, so the browser stops sending it.
 */

export interface RequestAuth {
  result: AuthResult;
  /** Cookies to write on the response (a refreshed session, or the deletion of a dead one). */
  cookies: CookieToSet[];
  /** The Cookie header with those writes applied: what the rest of this request should see. */
  cookieHeader: string | null;
}

export async function authenticateRequest(headers: Headers, https: boolean): Promise<RequestAuth> {
  const cookieHeader = headers.get("cookie");
  // A bearer token is the caller's own to refresh; the session cookie is ours.
  const fromCookie = authConfigured() && !bearerToken(headers.get("authorization"));
  let cookies: CookieToSet[] = [];
  let seen = headers;
  if (fromCookie && (await needsRefresh(cookieHeader))) {
    try {
      cookies = await refreshSession({ cookieHeader, https });
      seen = new Headers(headers);
      seen.set("cookie", applyCookies(cookieHeader, cookies));
    } catch (err) {
      // Supabase unreachable: the request goes on with the session it has (expired: a 401).
      log().warn({ err }, "session refresh failed");
    }
  }
  const result = await authenticator().authenticate(seen);
  if (fromCookie && !result.principal && result.reason === "revoked") {
    cookies = [...cookies, ...clearSessionCookies({ cookieHeader: seen.get("cookie"), https })];
  }
  return { result, cookies, cookieHeader: cookies.length > 0 ? applyCookies(cookieHeader, cookies) : cookieHeader };
}
