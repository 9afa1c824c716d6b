import { z } from "zod";

/**
 * UI preferences live in a cookie so the server renders the right theme on the first byte: no
 * flash of the wrong theme and no inline script (which the CSP would have to allow).
 */
export const PREFERENCES_COOKIE = "tessera-prefs";

export const preferencesSchema = z.strictObject({
  theme: z.enum(["light", "dark", "system"]),
  codeFontSize: z.number().int().min(10).max(24),
});

export type Preferences = z.infer<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = { theme: "system", codeFontSize: 13 };

export function encodePreferences(p: Preferences): string {
  return encodeURIComponent(JSON.stringify(p));
}

/** A cookie is client input like any other: a bad one falls back to the defaults. */
export function decodePreferences(raw: string | undefined): Preferences {
  if (!raw) return DEFAULT_PREFERENCES;
  try {
    const parsed = preferencesSchema.safeParse(JSON.parse(decodeURIComponent(raw)));
    return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  } catch {
    return DEFAULT_PREFERENCES;
  }
}

export function preferencesCookie(p: Preferences, secure: boolean): string {
  return [
    `${PREFERENCES_COOKIE}=${encodePreferences(p)}`,
    "Path=/",
    "Max-Age=31536000",
    "SameSite=Lax",
    "HttpOnly",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
