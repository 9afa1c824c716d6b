import { describe, expect, it } from "vitest";
import { safeNext } from "@/lib/auth/next-path";

const APP = "https://tessera.example";

/** Where a browser on the app's page would go when sent to `value` (what matters in the end). */
const lands = (value: string) => new URL(value, `${APP}/sign-in`);

describe("safeNext", () => {
  it("keeps paths on the site, with their query and fragment", () => {
    for (const path of ["/", "/p/abc", "/p/abc?tab=code", "/p/abc?next=%2Fp%2Fdef", "/s/TOKEN#v2", "/auth/reset", "/p/été"]) {
      const kept = safeNext(path);
      expect(lands(kept).origin).toBe(APP);
      expect(lands(kept).pathname).toBe(lands(path).pathname);
    }
    expect(safeNext("/p/abc?tab=code#x")).toBe("/p/abc?tab=code#x");
  });

  it("refuses what browsers read as another host: tab, newline, backslash, two slashes", () => {
    for (const attack of ["/\t/evil.example/x", "/\n/evil.example/x", "/\r\n/evil.example", "\t//evil.example", "/\\evil.example", "\\/evil.example", "//evil.example", "///evil.example"]) {
      expect(safeNext(attack), JSON.stringify(attack)).toBe("/");
    }
  });

  it("refuses encoded slashes, backslashes and control characters in the path", () => {
    for (const attack of ["/%2Fevil.example", "/%2fevil.example", "/%5Cevil.example", "/%5cevil.example", "/%09/evil.example", "/%0a/evil.example", "/%00", "/%7f", "/a%2F..%2F..%2Fb"]) {
      expect(safeNext(attack), attack).toBe("/");
    }
  });

  it("refuses other schemes and absolute URLs, even this site's own", () => {
    for (const attack of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "https://evil.example/", `${APP}/p/abc`, "evil.example", "p/abc", ""]) {
      expect(safeNext(attack), attack).toBe("/");
    }
  });

  it("refuses dot segments that collapse into two slashes, plain or encoded", () => {
    for (const attack of ["/.//evil.example", "/..//evil.example", "/a/..//evil.example", "/%2e//evil.example", "/%2e%2e//evil.example", "/.%2e//evil.example"]) {
      expect(safeNext(attack), attack).toBe("/");
    }
    // Dot segments that stay on a path are normalised, so what is sent is what was checked.
    expect(safeNext("/a/../p/abc")).toBe("/p/abc");
  });

  it("refuses nothing given, and values too long to be a real destination", () => {
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext(null)).toBe("/");
    expect(safeNext(`/${"a".repeat(3000)}`)).toBe("/");
  });

  it("never returns anything a browser would take off the site (generated inputs)", () => {
    // Pieces attackers combine, joined at random (a fixed seed, so a failure replays).
    const pieces = ["/", "//", "\\", "\t", "\n", "\r", " ", ".", "..", "%2f", "%2F", "%5c", "%09", "%0a", "%2e", "%252f", "?", "#", "@", ":", "evil.example", "javascript:", "a", "\u3000", "\u00a0", "\u2028", "\u0000"];
    let seed = 0x5eed;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 20_000; i++) {
      let value = "";
      const n = 1 + Math.floor(random() * 6);
      for (let j = 0; j < n; j++) value += pieces[Math.floor(random() * pieces.length)];
      const result = safeNext(value);
      const url = lands(result);
      expect(url.origin, JSON.stringify({ value, result })).toBe(APP);
      expect(result.startsWith("/") && !result.startsWith("//"), JSON.stringify({ value, result })).toBe(true);
      // The result survives a second check unchanged: nothing left for another decoding to turn.
      expect(safeNext(result), JSON.stringify({ value, result })).toBe(result);
      expect(result, JSON.stringify(value)).not.toMatch(/[\u0000-\u001f\\]/);
    }
  });
});
