import type { Revocation, TokenFacts } from "../db/queries/sessions";

/** Who is making a request, as established by the server. Never taken from the client's word. */
export interface Principal {
  userId: string;
  /** `local`: the single user of a local install; `supabase`: a verified access token. */
  kind: "local" | "supabase";
  email?: string;
  /** The Supabase session the token belongs to (its `session_id`). */
  sessionId?: string;
}

/**
 * A caller, or why there is none (for the security event; the client hears only "sign in"). A
 * Supabase caller comes with the access token that proved it, for the calls made on its behalf
 * (signing out, confirming the session with Supabase); it is never logged or sent to the client.
 */
export type AuthResult = { principal: Principal; accessToken?: string } | { principal: null; reason: string };

/** One interface per auth backend; the spine and the pages call it and never know which one it is. */
export interface Authenticator {
  readonly name: "local" | "supabase";
  /** Resolve the caller from a request's headers (Authorization or the session cookie). */
  authenticate(headers: Headers): Promise<AuthResult>;
  /**
   * Ask the auth server itself whether the caller's session still exists (sessions can end
   * outside Tessera). Backends without one have nothing to confirm.
   */
  confirm?(principal: Principal, accessToken: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Where signed-out sessions are kept, for backends that have sessions. */
  readonly revocations?: RevocationList;
}

/** Sessions signed out before their tokens expire (lib/auth/revocations.ts keeps them in the database). */
export interface RevocationList {
  isRevoked(userId: string, token: TokenFacts): Promise<boolean>;
  revoke(userId: string, revocation: Revocation): Promise<void>;
}
