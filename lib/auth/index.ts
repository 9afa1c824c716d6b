import { orm } from "../db/client";
import { authConfigured, env } from "../env";
import { LocalAuthenticator } from "./local";
import { revocationList } from "./revocations";
import { SupabaseAuthenticator } from "./supabase";
import type { Authenticator } from "./types";

export type { AuthResult, Authenticator, Principal, RevocationList } from "./types";
export { LOCAL_USER_ID } from "./local";

const KEY = Symbol.for("tessera.authenticator");
const slot = globalThis as unknown as Record<typeof KEY, Authenticator | undefined>;

/**
 * The configured authenticator: Supabase when its URL and anon key are set, else the local single
 * user. One per process (on globalThis: the proxy and the route bundles share its JWKS cache).
 */
export function authenticator(): Authenticator {
  if (slot[KEY]) return slot[KEY];
  const e = env();
  slot[KEY] = authConfigured(e)
    ? new SupabaseAuthenticator({
        url: e.NEXT_PUBLIC_SUPABASE_URL!,
        anonKey: e.NEXT_PUBLIC_SUPABASE_ANON_KEY!,
        revocations: revocationList(orm),
        ...(e.SUPABASE_JWT_SECRET ? { jwtSecret: e.SUPABASE_JWT_SECRET } : {}),
      })
    : new LocalAuthenticator();
  return slot[KEY];
}

/** Test hook: forget the authenticator so a test can change the configuration. */
export function resetAuthenticatorForTests(): void {
  slot[KEY] = undefined;
}
