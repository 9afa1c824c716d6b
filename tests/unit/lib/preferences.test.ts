import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, decodePreferences, encodePreferences, preferencesCookie } from "@/lib/preferences";

describe("preferences cookie", () => {
  it("round-trips valid preferences", () => {
    const p = { theme: "dark" as const, codeFontSize: 16 };
    expect(decodePreferences(encodePreferences(p))).toEqual(p);
  });

  it("falls back to defaults for tampered or hostile cookies", () => {
    for (const raw of ["%7Bnot json", encodeURIComponent('{"theme":"<script>","codeFontSize":13}'), encodeURIComponent('{"theme":"dark","codeFontSize":999}'), "%E0%A4%A"]) {
      expect(decodePreferences(raw)).toEqual(DEFAULT_PREFERENCES);
    }
  });

  it("is HttpOnly and SameSite=Lax, Secure over HTTPS", () => {
    expect(preferencesCookie(DEFAULT_PREFERENCES, false)).toMatch(/HttpOnly; *$|HttpOnly$/);
    expect(preferencesCookie(DEFAULT_PREFERENCES, false)).toContain("SameSite=Lax");
    expect(preferencesCookie(DEFAULT_PREFERENCES, true)).toContain("Secure");
  });
});
