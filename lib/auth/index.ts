import type { Authenticator } from "./types";
import { LocalAuthenticator } from "./local";

export type { Authenticator, Principal } from "./types";

let current: Authenticator | undefined;

/** The configured authenticator. Supabase plugs in here; routes never change. */
export function authenticator(): Authenticator {
  current ??= new LocalAuthenticator();
  return current;
}
