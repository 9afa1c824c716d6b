/**
 * Where to send the browser after signing in: a path on this site, or "/". The one check behind
 * every `next` Tessera honours (the sign-in page, proxy.ts, /auth/callback and the sign-in
 * endpoints), because a redirect that leaves the site hands a freshly signed-in page to someone
 * else's URL.
 *
 * Comparing prefixes is not enough: browsers drop tabs and newlines anywhere in a URL and read a
 * backslash as a slash, so `/\t/evil.example` and `/\evil.example` both become `//evil.example`, a
 * link to another host. So the value is refused when it holds anything a URL parser would drop or
 * reinterpret, then parsed with the WHATWG URL parser (what browsers use) against a stand-in
 * origin; only a result on that origin whose path cannot itself be read as a host survives, and
 * what is returned is the parser's own normalised form, so the browser follows exactly what was
 * checked.
 */

const FALLBACK = "/";
/** Long enough for any path of the app with its query; a longer value is not a real destination. */
const MAX_LENGTH = 2048;
const STAND_IN = "https://next-path.invalid";

/** C0 controls, space, DEL and C1 controls, and the backslash. */
const UNSAFE_CHARACTER = /[\u0000-\u0020\u007f-\u009f\\]/;
/** Percent-encoded `/`, `\` or control characters in the path: a decoding step later would change what it names. */
const UNSAFE_ENCODING = /%(?:2f|5c|[01][0-9a-f]|7f)/i;

export function safeNext(next: string | null | undefined): string {
  if (typeof next !== "string" || next.length === 0 || next.length > MAX_LENGTH) return FALLBACK;
  if (UNSAFE_CHARACTER.test(next)) return FALLBACK;
  if (!isSitePath(next)) return FALLBACK;
  const path = next.split(/[?#]/, 1)[0]!;
  if (UNSAFE_ENCODING.test(path)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, STAND_IN);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== STAND_IN) return FALLBACK;
  const normalised = url.pathname + url.search + url.hash;
  // Dot segments can collapse into a leading `//` (`/.//evil.example`): check what will be sent.
  return isSitePath(normalised) && !UNSAFE_ENCODING.test(url.pathname) ? normalised : FALLBACK;
}

/** One leading slash, not two, and not a slash the parser would take for one. */
function isSitePath(value: string): boolean {
  return value.startsWith("/") && !value.startsWith("//");
}
