import { authConfigured, env } from "../env";
import { authStorageKey } from "./cookies";

/**
 * What the browser needs to talk to Supabase Auth, read from the server's configuration at
 * request time (not inlined into the bundle at build time), so one build serves every deployment.
 * Both values are public by design: the URL and the anon key.
 */
export interface AuthClientConfig {
  url: string;
  anonKey: string;
  storageKey: string;
}

export function authClientConfig(): AuthClientConfig | null {
  const e = env();
  if (!authConfigured(e)) return null;
  return { url: e.NEXT_PUBLIC_SUPABASE_URL!, anonKey: e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, storageKey: authStorageKey(e.NEXT_PUBLIC_SUPABASE_URL!) };
}
