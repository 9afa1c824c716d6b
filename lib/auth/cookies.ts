import { combineChunks, parseCookieHeader, stringFromBase64URL } from "@supabase/ssr";

/**
 * The session cookie @supabase/ssr writes: `<storageKey>` (or `<storageKey>.0`, `.1`, … when the
 * session is longer than one cookie), holding the session JSON as `base64-<base64url>`. Tessera
 * names the key itself and hands the same name to both Supabase clients, so the server never
 * guesses it.
 */

export function authStorageKey(supabaseUrl: string): string {
  return `sb-${new URL(supabaseUrl).hostname.split(".")[0]}-auth-token`;
}

const BASE64_PREFIX = "base64-";

/** The access token in a request's session cookie, or null when there is none or it is damaged. */
export async function accessTokenFromCookies(cookieHeader: string | null, storageKey: string): Promise<string | null> {
  if (!cookieHeader) return null;
  const jar = new Map(parseCookieHeader(cookieHeader).map((c) => [c.name, c.value]));
  const raw = await combineChunks(storageKey, (name) => jar.get(name));
  if (!raw) return null;
  try {
    const text = raw.startsWith(BASE64_PREFIX) ? stringFromBase64URL(raw.slice(BASE64_PREFIX.length)) : raw;
    const session = JSON.parse(text) as { access_token?: unknown };
    return typeof session.access_token === "string" ? session.access_token : null;
  } catch {
    return null;
  }
}

/** A bearer token from an Authorization header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i);
  return match ? match[1]! : null;
}
