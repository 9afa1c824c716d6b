import type { AuthResult, Authenticator, Principal } from "./types";

export const LOCAL_USER_ID = "00000000-0000-4000-8000-000000000001";

/**
 * Local single-user mode (DESIGN 4.8): the server binds loopback only (env.ts refuses otherwise),
 * so whoever reaches it is the person at this machine.
 */
export class LocalAuthenticator implements Authenticator {
  readonly name = "local";
  private readonly result: AuthResult = { principal: { userId: LOCAL_USER_ID, kind: "local" } satisfies Principal };
  async authenticate(): Promise<AuthResult> {
    return this.result;
  }
}
