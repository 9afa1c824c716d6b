import { requestJson } from "@/components/builder/api";

/**
 * The browser side of the sign-in endpoints (app/api/auth/*). The session cookie is HttpOnly: the
 * server sets and clears it with these answers, and the browser only follows where they point.
 */

export const signInWithPassword = (email: string, password: string, next: string) => requestJson<{ next: string }>("POST", "/api/auth/sign-in", { email, password, next });

export const signUp = (email: string, password: string, next: string) => requestJson<{ signedIn: boolean; next: string }>("POST", "/api/auth/sign-up", { email, password, next });

export const sendSignInLink = (email: string, next: string) => requestJson<{ sent: true }>("POST", "/api/auth/email-link", { email, next });

export const sendPasswordReset = (email: string) => requestJson<{ sent: true }>("POST", "/api/auth/password-reset", { email });

export const startOAuth = (provider: "github" | "google", next: string) => requestJson<{ url: string }>("POST", "/api/auth/oauth", { provider, next });

export const setNewPassword = (password: string) => requestJson<{ changed: true }>("POST", "/api/auth/password", { password });

/** `local`: this browser; `global`: every session of the account. */
export const signOut = (scope: "local" | "global") => requestJson<{ signedOut: true }>("POST", "/api/auth/sign-out", { scope });

/** What to show for a failed call: the server's own words, which already say it plainly. */
export const failureMessage = (err: unknown) => (err instanceof Error && err.message ? err.message : "Something went wrong. Try again.");
