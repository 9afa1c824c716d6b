import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { MAX_PATH_LENGTH, MAX_SEGMENT_BYTES, normalizeSandboxPath } from "@/lib/fragment/paths";

function problemOf(input: string): string {
  try {
    normalizeSandboxPath(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("bad_request:validation");
    return (err as AppError).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe("normalizeSandboxPath (DESIGN 4.4)", () => {
  const accepted: [string, string][] = [
    ["index.html", "index.html"],
    ["src/app/page.tsx", "src/app/page.tsx"],
    ["app/[slug]/page.tsx", "app/[slug]/page.tsx"],
    ["app/[...rest]/page.tsx", "app/[...rest]/page.tsx"],
    ["app/(marketing)/about/page.tsx", "app/(marketing)/about/page.tsx"],
    ["app/@modal/default.tsx", "app/@modal/default.tsx"],
    ["components/ui/button.tsx", "components/ui/button.tsx"],
    [".gitignore", ".gitignore"],
    [".github/workflows/ci.yml", ".github/workflows/ci.yml"],
    ["environment.ts", "environment.ts"],
    ["env/config.ts", "env/config.ts"],
    ["my-node_modules-notes.md", "my-node_modules-notes.md"],
    ["...", "..."],
    ["a..b/c", "a..b/c"],
    ["~/x", "~/x"],
    ["données/été.csv", "données/été.csv"],
    // Percent escapes are literal names: nothing downstream decodes them.
    ["%2e%2e", "%2e%2e"],
    ["%2e%2e/%2fetc%2fpasswd", "%2e%2e/%2fetc%2fpasswd"],
    ["src/%2e%2e/x", "src/%2e%2e/x"],
  ];
  it.each(accepted)("accepts %j", (input, expected) => {
    expect(normalizeSandboxPath(input)).toBe(expected);
  });

  it("returns the NFC form so two spellings of one name are one file", () => {
    const decomposed = "cafe\u0301.txt";
    expect(normalizeSandboxPath(decomposed)).toBe("caf\u00e9.txt");
  });

  const refused: [string, string, RegExp][] = [
    ["empty", "", /is empty/],
    ["parent", "..", /\.\. segment/],
    ["dot", ".", /\.\. segment/],
    ["leading ./", "./src/a.ts", /\.\. segment/],
    ["traversal", "../../etc/passwd", /\.\. segment/],
    ["traversal mid-path", "src/../../etc/passwd", /\.\. segment/],
    ["traversal at end", "src/..", /\.\. segment/],
    ["absolute", "/etc/passwd", /absolute/],
    ["absolute home", "/home/user/project/a", /absolute/],
    ["double slash", "src//a.ts", /empty segment/],
    ["trailing slash", "src/", /empty segment/],
    ["backslash traversal", "..\\..\\etc\\passwd", /backslash/],
    ["backslash", "src\\a.ts", /backslash/],
    ["drive letter", "C:/Windows/win.ini", /drive letter/],
    ["NUL", "a\u0000.txt", /control or invisible/],
    ["newline", "a\nb.txt", /control or invisible/],
    ["tab", "a\tb", /control or invisible/],
    ["DEL", "a\u007f", /control or invisible/],
    ["C1 control", "a\u0085b", /control or invisible/],
    ["bidi override", "evil\u202Etxt.exe", /control or invisible/],
    ["zero-width joiner", ".e\u200Dnv", /control or invisible/],
    [".env", ".env", /\.env/],
    [".env nested", "src/.env", /\.env/],
    [".env.local", ".env.local", /\.env/],
    [".env.production deep", "apps/web/.env.production", /\.env/],
    [".envrc", ".envrc", /\.env/],
    [".ENV upper case", ".ENV", /\.env/],
    [".env with trailing dot", ".env.", /\.env/],
    [".git", ".git/config", /\.git/],
    [".git deep", "vendor/lib/.git/HEAD", /\.git/],
    [".Git mixed case", ".Git/config", /\.git/],
    [".git with trailing space", ".git /config", /\.git/],
    ["node_modules", "node_modules/react/index.js", /node_modules/],
    ["node_modules deep", "packages/a/node_modules/x.js", /node_modules/],
    ["Node_Modules", "Node_Modules/x.js", /node_modules/],
    [".ssh", ".ssh/authorized_keys", /\.ssh/],
    [".ssh deep", "home/.ssh/id_rsa", /\.ssh/],
    [".aws", ".aws/credentials", /\.aws/],
    // Compatibility forms: literal on Linux, but NFKC (applied by some downstream tools) turns them
    // into dot segments or blocked names, so they are refused consistently.
    ["fullwidth dots", "\uFF0E\uFF0E/etc/passwd", /\.\. segment/],
    ["fullwidth single dot", "\uFF0E/a", /\.\. segment/],
    ["two-dot leader", "\u2025/etc/passwd", /\.\. segment/],
    ["fullwidth .env", "\uFF0Eenv", /\.env/],
    ["fullwidth node_modules", "\uFF4Eode_modules/x", /node_modules/],
    ["one-dot-leader git", "\u2024git/config", /\.git/],
  ];
  it.each(refused)("refuses %s", (_name, input, message) => {
    expect(problemOf(input)).toMatch(message);
  });

  it("names the offending path in the message, escaped so it cannot break a log line", () => {
    expect(problemOf("src/../x")).toContain('"src/../x"');
    const msg = problemOf("a\nb");
    expect(msg).toContain("\\n");
    expect(msg).not.toContain("\n");
  });

  it("caps the whole path and each segment", () => {
    const okSegment = "a".repeat(MAX_SEGMENT_BYTES);
    expect(normalizeSandboxPath(okSegment)).toBe(okSegment);
    expect(problemOf("a".repeat(MAX_SEGMENT_BYTES + 1))).toMatch(/segment longer than 255 bytes/);
    // Segment length is bytes (Linux NAME_MAX), so 128 two-byte characters are too many.
    expect(problemOf("é".repeat(128))).toMatch(/segment longer/);

    const segments = Array.from({ length: 60 }, () => "abcdefgh");
    const long = segments.join("/");
    expect(long.length).toBeGreaterThan(MAX_PATH_LENGTH);
    expect(problemOf(long)).toMatch(/longer than 512 characters/);
    const fits = segments.slice(0, 56).join("/");
    expect(fits.length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
    expect(normalizeSandboxPath(fits)).toBe(fits);
  });

  it("never returns a path that escapes, whatever the mix of dots and separators", () => {
    const parts = ["a", ".", "..", "...", "%2e", "\uFF0E", "", "b.txt"];
    for (const x of parts) {
      for (const y of parts) {
        for (const z of parts) {
          const input = [x, y, z].join("/");
          let out: string | undefined;
          try {
            out = normalizeSandboxPath(input);
          } catch {
            continue;
          }
          const segs = out.split("/");
          expect(segs.every((s) => s !== "" && s !== "." && s !== ".." && s.normalize("NFKC") !== "..")).toBe(true);
          expect(out.startsWith("/")).toBe(false);
        }
      }
    }
  });
});
