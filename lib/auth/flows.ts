import "server-only";
import type { AuthError } from "@supabase/supabase-js";
import { authConfigured, env } from "../env";
import { AppError } from "../errors";
import { log } from "../log";
import { authenticator } from "./index";
import { authFailure, type AuthFailure } from "./messages";
import { authServerMoment } from "./revocations";
import { safeNext } from "./next-path";
import { clearSessionCookies, sessionClient, type CookieToSet, type SessionRequest } from "./session";
import { authSettings } from "./settings";
import type { Principal } from "./types";

/**
 * Every way the browser signs in or out, run on the server so the session cookie can stay
 * HttpOnly: the server's Supabase client does what the browser's used to (PKCE included: the
 * verifier lives in an HttpOnly cookie too) and the cookies it writes go out with the answer.
 */

export interface FlowRequest extends SessionRequest {
  /** This site's origin, for the links Supabase sends back to /auth/callback. */
  origin: string;
}

/** These endpoints exist only with Supabase configured; in local mode they answer like unknown paths. */
export function requireSignIn(): void {
  if (!authConfigured()) throw new AppError("not_found", "Sign-in is not configured on this server.");
}

export function flowRequest(request: Request): FlowRequest {
  return {
    cookieHeader: request.headers.get("cookie"),
    https: new URL(request.url).protocol === "https:",
    // The configured address when there is one, else the page's own origin: these are POSTs, so
    // the spine's CSRF check has already held Origin to the origins this site answers on.
    origin: env().APP_URL ?? request.headers.get("origin") ?? new URL(request.url).origin,
  };
}

const callback = (request: FlowRequest, next: string) => `${request.origin}/auth/callback?next=${encodeURIComponent(safeNext(next))}`;

function failOn(error: AuthError | null): void {
  if (error) throw authFailure(error as AuthFailure);
}

export async function signInWithPassword(request: FlowRequest, email: string, password: string): Promise<CookieToSet[]> {
  const written: CookieToSet[] = [];
  const { error } = await sessionClient(request, written).auth.signInWithPassword({ email, password });
  failOn(error);
  return written;
}

/** A new account: signed in at once when the project does not confirm emails, else a confirmation link. */
export async function signUp(request: FlowRequest, email: string, password: string, next: string): Promise<{ cookies: CookieToSet[]; signedIn: boolean }> {
  const written: CookieToSet[] = [];
  const { data, error } = await sessionClient(request, written).auth.signUp({ email, password, options: { emailRedirectTo: callback(request, next) } });
  failOn(error);
  return { cookies: written, signedIn: Boolean(data.session) };
}

/** An emailed sign-in link; new accounts only where the project allows sign-ups (its setting, not the caller's word). */
export async function sendSignInLink(request: FlowRequest, email: string, next: string): Promise<CookieToSet[]> {
  const written: CookieToSet[] = [];
  const { signupDisabled } = await authSettings();
  const { error } = await sessionClient(request, written).auth.signInWithOtp({ email, options: { emailRedirectTo: callback(request, next), shouldCreateUser: !signupDisabled } });
  failOn(error);
  return written;
}

/** A link to choose a new password; the link lands on /auth/reset once /auth/callback has signed the visitor in. */
export async function sendPasswordReset(request: FlowRequest, email: string): Promise<CookieToSet[]> {
  const written: CookieToSet[] = [];
  const { error } = await sessionClient(request, written).auth.resetPasswordForEmail(email, { redirectTo: callback(request, "/auth/reset") });
  failOn(error);
  return written;
}

/** Where to send the browser to sign in with a provider (Supabase's authorize URL, with this flow's PKCE challenge). */
export async function startOAuth(request: FlowRequest, provider: "github" | "google", next: string): Promise<{ url: string; cookies: CookieToSet[] }> {
  const settings = await authSettings();
  if (!settings[provider]) throw new AppError("forbidden", `Signing in with ${provider === "github" ? "GitHub" : "Google"} is not switched on for this server.`);
  const written: CookieToSet[] = [];
  const { data, error } = await sessionClient(request, written).auth.signInWithOAuth({ provider, options: { redirectTo: callback(request, next), skipBrowserRedirect: true } });
  failOn(error);
  if (!data.url || !data.url.startsWith(`${env().NEXT_PUBLIC_SUPABASE_URL}/`)) throw new AppError("unavailable:auth", "The sign-in service gave no address to continue at. Try again.");
  return { url: data.url, cookies: written };
}

/** The revocation list of the configured backend (Supabase). */
function revocations() {
  const list = authenticator().revocations;
  if (!list) throw new AppError("not_found", "Sign-in is not configured on this server.");
  return list;
}

/**
 * A new password for the signed-in caller (the last step of a reset, or a change). Supabase ends
 * the user's other sessions; their access tokens are refused here from now on, while the session
 * that made the change goes on.
 */
export async function setPassword(principal: Principal, accessToken: string, password: string): Promise<void> {
  const e = env();
  let response: Response;
  try {
    response = await fetch(`${e.NEXT_PUBLIC_SUPABASE_URL}/auth/v1/user`, {
      method: "PUT",
      headers: { apikey: e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, authorization: `Bearer ${accessToken}`, "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
      body: JSON.stringify({ password }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    log().warn({ err }, "could not reach Supabase to change a password");
    throw authFailure({ status: 0, message: "unreachable" });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: unknown; error_code?: unknown; message?: unknown; msg?: unknown };
    const code = typeof body.code === "string" ? body.code : typeof body.error_code === "string" ? body.error_code : undefined;
    const message = typeof body.message === "string" ? body.message : typeof body.msg === "string" ? body.msg : "";
    throw authFailure({ status: response.status, message, ...(code ? { code } : {}) });
  }
  try {
    const before = authServerMoment(response);
    await revocations().revoke(principal.userId, { before, reason: "password_changed", ...(principal.sessionId ? { keepSessionId: principal.sessionId } : {}) });
  } catch (err) {
    log().error({ err }, "a password changed but the other sessions could not be recorded as ended");
    throw new AppError("unavailable:database", "Your new password is saved, but your other devices could not be signed out. Use “Sign out everywhere” to end their sessions.");
  }
}

/** POST /auth/v1/logout with the caller's token; the answer's moment, or why it failed. */
async function supabaseLogout(accessToken: string, scope: "local" | "global"): Promise<{ ok: true; at: Date } | { ok: false; status: number; code?: string }> {
  const e = env();
  try {
    const response = await fetch(`${e.NEXT_PUBLIC_SUPABASE_URL}/auth/v1/logout?scope=${scope}`, {
      method: "POST",
      headers: { apikey: e.NEXT_PUBLIC_SUPABASE_ANON_KEY!, authorization: `Bearer ${accessToken}`, "x-supabase-api-version": "2024-01-01" },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.ok) return { ok: true, at: authServerMoment(response) };
    const body = (await response.json().catch(() => ({}))) as { code?: unknown };
    return { ok: false, status: response.status, ...(typeof body.code === "string" ? { code: body.code } : {}) };
  } catch (err) {
    log().warn({ err }, "could not reach Supabase to sign out");
    return { ok: false, status: 0 };
  }
}

/**
 * Sign out: this session (`local`) or every session of the user (`global`). Afterwards this
 * server refuses the session's tokens (the revocation list), Supabase has ended the session(s)
 * so their refresh tokens are dead, and the cookies are gone. When that cannot all be done the
 * caller is told and stays signed in, so trying again finishes the job.
 */
export async function signOut(request: SessionRequest, principal: Principal | null, accessToken: string | null, scope: "local" | "global"): Promise<CookieToSet[]> {
  if (principal?.kind === "supabase" && accessToken) {
    if (scope === "local" && principal.sessionId) {
      // Recorded first: from here on every token of the session is refused, whatever Supabase says.
      await revocations().revoke(principal.userId, { sessionId: principal.sessionId, reason: "sign_out" });
      const ended = await supabaseLogout(accessToken, "local");
      if (!ended.ok && ended.status !== 403 && ended.status !== 404) log().warn({ status: ended.status, code: ended.ok ? undefined : ended.code }, "Supabase did not confirm the sign-out");
    } else {
      // Everywhere: Supabase first, so the moment that splits old tokens from new sign-ins is on
      // the clock that issues them. (A token without a session id can only go with all of its user's.)
      const ended = await supabaseLogout(accessToken, "global");
      if (!ended.ok && (ended.status === 0 || ended.status >= 500 || ended.status === 429)) {
        throw new AppError("unavailable:auth", "The sign-in service could not be reached, so you are still signed in everywhere. Try again in a moment.");
      }
      // Refused because this session is already gone at Supabase: its other sessions may not be,
      // but every token issued so far is refused here all the same.
      if (!ended.ok) log().warn({ status: ended.status, code: ended.code }, "Supabase refused a sign-out everywhere");
      await revocations().revoke(principal.userId, { before: ended.ok ? ended.at : authServerMoment(), reason: "sign_out_everywhere" });
    }
  }
  return clearSessionCookies(request);
}
