/** Who is making a request, as established by the server. Never taken from the client's word. */
export interface Principal {
  userId: string;
  /** `local`: the single user of a local install; `supabase`: a verified access token. */
  kind: "local" | "supabase";
}

/** One interface per auth backend; the spine calls it and never knows which one it has. */
export interface Authenticator {
  readonly name: string;
  /** Resolve the caller, or null when the request carries no valid credentials. */
  authenticate(request: Request): Promise<Principal | null>;
}
