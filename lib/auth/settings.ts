import { env } from "../env";
import { log } from "../log";

/**
 * What the Supabase project allows (GET /auth/v1/settings): which OAuth providers are on, whether
 * new accounts may sign up, whether emails need confirming. Read by the sign-in page to offer only
 * what works; cached briefly, and a project that does not answer gets email sign-in only.
 */

export interface AuthSettings {
  github: boolean;
  google: boolean;
  signupDisabled: boolean;
  autoconfirm: boolean;
  /** The settings could not be read (the page says so). */
  unavailable?: boolean;
}

const TTL_MS = 60_000;
let cached: { at: number; value: AuthSettings } | undefined;

export async function authSettings(): Promise<AuthSettings> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
  const e = env();
  const fallback: AuthSettings = { github: false, google: false, signupDisabled: false, autoconfirm: false, unavailable: true };
  if (!e.NEXT_PUBLIC_SUPABASE_URL || !e.NEXT_PUBLIC_SUPABASE_ANON_KEY) return fallback;
  try {
    const response = await fetch(`${e.NEXT_PUBLIC_SUPABASE_URL}/auth/v1/settings`, {
      headers: { apikey: e.NEXT_PUBLIC_SUPABASE_ANON_KEY },
      signal: AbortSignal.timeout(3_000),
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`settings answered ${response.status}`);
    const body = (await response.json()) as { external?: Record<string, unknown>; disable_signup?: unknown; mailer_autoconfirm?: unknown };
    const value: AuthSettings = {
      github: body.external?.github === true,
      google: body.external?.google === true,
      signupDisabled: body.disable_signup === true,
      autoconfirm: body.mailer_autoconfirm === true,
    };
    cached = { at: Date.now(), value };
    return value;
  } catch (err) {
    log().warn({ err }, "could not read the Supabase auth settings");
    return fallback;
  }
}
