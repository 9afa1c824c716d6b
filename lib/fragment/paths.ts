import { AppError } from "../errors";

/**
 * DESIGN 4.4: a file path that came from a model (or a user) is untrusted. Every provider runs it
 * through here before it touches a sandbox, so the rule lives in one place.
 *
 * Decisions worth knowing:
 * - Nothing is "fixed up". A path is accepted as written (after Unicode NFC, so two spellings of
 *   "é" name one file) or refused with a message naming the problem: silently rewriting `a//b` or
 *   `./a` would hide a model bug and make the path a caller sees differ from the one used.
 * - Percent escapes are literal. `%2e%2e` is a file called "%2e%2e": nothing between here and the
 *   sandbox's filesystem decodes it (the SDKs encode query values), so it cannot climb out.
 * - Compatibility forms are checked too. `．．` (fullwidth dots) is a harmless literal on Linux, but
 *   NFKC turns it into `..`, and tools that apply NFKC (zip tools, some editors, Python packaging)
 *   exist downstream of an exported project; refusing it costs nothing.
 * - Blocked names are matched case-insensitively and without trailing dots/spaces, because a project
 *   may be exported to macOS or Windows, where `.GIT` or `.git.` is `.git`.
 */

export const MAX_PATH_LENGTH = 512;
export const MAX_SEGMENT_BYTES = 255;

/** Names refused at any depth (compared after NFKC, lower-cased, trailing dots/spaces dropped). */
const BLOCKED_NAMES = new Set([".git", "node_modules", ".ssh", ".aws"]);

// Cc: C0/C1 controls incl. NUL, newline, DEL. Cf: invisible format characters (zero-width joiners,
// bidi overrides such as U+202E) that make a name display as something it is not.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}]/u;

function refuse(input: string, problem: string): never {
  // JSON.stringify escapes anything unprintable, so the message cannot smuggle a newline into a log.
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input);
  throw new AppError("bad_request:validation", `Path ${shown} ${problem}`);
}

function blockedKey(segment: string): string {
  return segment.normalize("NFKC").toLowerCase().replace(/[. ]+$/u, "");
}

/**
 * Returns the NFC form of a safe relative path (`src/app/[slug]/page.tsx`), or throws
 * `AppError("bad_request:validation")` naming the problem.
 */
export function normalizeSandboxPath(input: string): string {
  if (typeof input !== "string") throw new AppError("bad_request:validation", "Path must be a string.");
  if (input.length === 0) refuse(input, "is empty.");
  if (INVISIBLE_OR_CONTROL.test(input)) refuse(input, "contains a control or invisible character.");
  if (input.includes("\\")) refuse(input, "contains a backslash; use / to separate folders.");

  const path = input.normalize("NFC");
  if (path.length > MAX_PATH_LENGTH) refuse(input, `is longer than ${MAX_PATH_LENGTH} characters.`);
  if (path.startsWith("/")) refuse(input, "is absolute; give a path relative to the project.");
  // `C:foo` is relative on Linux but absolute-ish on Windows, where an exported project may land.
  if (/^[A-Za-z]:/.test(path)) refuse(input, "starts with a drive letter; give a path relative to the project.");

  for (const segment of path.split("/")) {
    if (segment === "") refuse(input, "has an empty segment (a leading, trailing or doubled /).");
    const compat = segment.normalize("NFKC");
    if (segment === "." || segment === ".." || compat === "." || compat === "..") {
      refuse(input, "contains a . or .. segment; paths may not point outside or around the project.");
    }
    if (Buffer.byteLength(segment, "utf8") > MAX_SEGMENT_BYTES) refuse(input, `has a segment longer than ${MAX_SEGMENT_BYTES} bytes.`);
    const key = blockedKey(segment);
    if (key.startsWith(".env")) refuse(input, "names a .env file; secrets never go into a sandbox.");
    if (BLOCKED_NAMES.has(key)) refuse(input, `goes through ${key}, which generated code may not write or read.`);
  }
  return path;
}
