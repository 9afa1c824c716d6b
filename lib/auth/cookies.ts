import { combineChunks, parseCookieHeader, stringFromBase64URL } from "@supabase/ssr";

/**
 * The session cookie @supabase/ssr writes: `<storageKey>` (or `<storageKey>.0`, `.1`, … when the
 * session is longer than one cookie), holding the session JSON as `base64-<base64url>`. Tessera
 * names the key itself; only the server reads and writes it (lib/auth/session.ts).
 */

export function authStorageKey(supabaseUrl: string): string {
  return `sb-${new URL(supabaseUrl).hostname.split(".")[0]}-auth-token`;
}

const BASE64_PREFIX = "base64-";

/** The tokens of a request's session cookie, or null when there is none or it is damaged. */
export async function sessionFromCookies(cookieHeader: string | null, storageKey: string): Promise<{ accessToken: string; refreshToken?: string } | null> {
  if (!cookieHeader) return null;
  const jar = new Map(parseCookieHeader(cookieHeader).map((c) => [c.name, c.value]));
  const raw = await combineChunks(storageKey, (name) => jar.get(name));
  if (!raw) return null;
  try {
    const text = raw.startsWith(BASE64_PREFIX) ? stringFromBase64URL(raw.slice(BASE64_PREFIX.length)) : raw;
    const session = JSON.parse(text) as { access_token?: unknown; refresh_token?: unknown };
    if (typeof session.access_token !== "string") return null;
    return { accessToken: session.access_token, ...(typeof session.refresh_token === "string" ? { refreshToken: session.refresh_token } : {}) };
  } catch {
    return null;
  }
}

/** The access token in a request's session cookie, or null when there is none or it is damaged. */
export async function accessTokenFromCookies(cookieHeader: string | null, storageKey: string): Promise<string | null> {
  return (await sessionFromCookies(cookieHeader, storageKey))?.accessToken ?? null;
}

/** A bearer token from an Authorization header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i);
  return match ? match[1]! : null;
}
