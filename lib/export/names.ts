import { AppError } from "../errors";

/**
 * Names an export derives from a project's title, which is untrusted text: the archive's top
 * folder and file name, the npm package name, and the title as shown in a README or a page.
 * Each is built so nothing in the title can reach a path separator, a header delimiter or a
 * line break.
 */

const MAX_SLUG = 48;
const MAX_SHOWN = 120;
const FALLBACK_SLUG = "project";

// Controls, invisible format characters (bidi overrides that make "evil\u202Etxt.exe" display
// as something else), unpaired surrogates (encodeURIComponent throws on them) and line separators.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
// Separators and the characters Windows refuses in a file name.
const NOT_IN_FILE_NAMES = /[/\\:*?"<>|]/g;

/** Version numbers are counters; anything else is a caller bug, refused rather than printed. */
export function checkVersionNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError("bad_request:validation", "Version number must be a non-negative integer.");
}

/** `Greeting card!` → `greeting-card`; accents are folded (`Café` → `cafe`); "" when nothing ASCII remains. */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, "");
}

export const projectSlug = (title: string): string => slugify(title) || FALLBACK_SLUG;

/** The archive's top folder and its file name without `.zip`: `greeting-card-v3`. */
export function folderName(title: string, n: number): string {
  checkVersionNumber(n);
  return `${projectSlug(title)}-v${n}`;
}

/** The title on one line, for a README heading or an HTML <title> (escape for HTML separately). */
export function displayTitle(title: string, fallback = "Untitled project"): string {
  const shown = Array.from(title.normalize("NFC").replace(UNPRINTABLE, " ").replace(/\s+/gu, " ").trim())
    .slice(0, MAX_SHOWN)
    .join("")
    .trim();
  return shown || fallback;
}

/**
 * The title as the stem of a downloaded file's name: no separators or reserved characters, and no
 * leading or trailing dots, so `../../etc/passwd` becomes `etc-passwd`. "" when nothing is left.
 */
export function fileNameStem(title: string): string {
  return displayTitle(title, "")
    .replace(NOT_IN_FILE_NAMES, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[\s.-]+|[\s.-]+$/gu, "");
}

// RFC 8187 attr-char: everything else, quotes, spaces, `;` and `'` included, is percent-encoded.
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/** RFC 8187 value-chars for `filename*=UTF-8''…`. */
export function encodeRfc8187(value: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
