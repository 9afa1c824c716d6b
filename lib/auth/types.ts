/** Who is making a request, as established by the server. Never taken from the client's word. */
export interface Principal {
  userId: string;
  /** `local`: the single user of a local install; `supabase`: a verified access token. */
  kind: "local" | "supabase";
  email?: string;
}

/** A caller, or why there is none (for the security event; the client hears only "sign in"). */
export type AuthResult = { principal: Principal } | { principal: null; reason: string };

/** One interface per auth backend; the spine and the pages call it and never know which one it is. */
export interface Authenticator {
  readonly name: "local" | "supabase";
  /** Resolve the caller from a request's headers (Authorization or the session cookie). */
  authenticate(headers: Headers): Promise<AuthResult>;
}
