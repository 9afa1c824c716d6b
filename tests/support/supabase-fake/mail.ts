import type { IncomingHttpHeaders } from "node:http";
import { badRequest, MIN_PASSWORD_LENGTH, weakPasswordError } from "./http";
import type { EmailType, FakeContext, FlowState } from "./state";
import { newId, newOtp, tokenHash } from "./tokens";
import type { UserRecord } from "./users";

/** Request validation GoTrue applies on every email endpoint, PKCE flow states, and the outbox. */

/** validateEmail: required, plausible, at most 255 characters; stored lowercased. */
export function validateEmail(email: string): string {
  if (!email) throw badRequest("validation_failed", "An email address is required");
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  return email.toLowerCase();
}

/** checkPasswordStrength under the hosted default policy. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw weakPasswordError();
}

export interface Pkce {
  codeChallenge: string;
  codeChallengeMethod: "s256" | "plain";
}

/** validatePKCEParams + ParseCodeChallengeMethod: both or neither; null means the implicit flow. */
export function validatePkce(codeChallenge: string, codeChallengeMethod: string): Pkce | null {
  if ((codeChallenge === "") !== (codeChallengeMethod === "")) throw badRequest("validation_failed", "PKCE flow requires code_challenge_method and code_challenge");
  if (!codeChallenge) return null;
  if (codeChallenge.length < 43 || codeChallenge.length > 128) throw badRequest("validation_failed", "code challenge has to be between 43 and 128 characters");
  if (!/^[a-zA-Z._~0-9-]+$/.test(codeChallenge)) {
    throw badRequest("validation_failed", "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes");
  }
  const method = codeChallengeMethod.toLowerCase();
  if (method !== "s256" && method !== "plain") throw badRequest("validation_failed", `code challenge method ${codeChallengeMethod} not supported`);
  return { codeChallenge, codeChallengeMethod: method };
}

/**
 * utilities.GetReferrer: `redirect_to`, else the Referer header, else SITE_URL. The fake keeps no
 * redirect allow list: every absolute http(s) URL is accepted, anything else falls back to SITE_URL.
 */
export function referrer(ctx: FakeContext, query: URLSearchParams, headers: IncomingHttpHeaders, fromBody = ""): string {
  for (const candidate of [query.get("redirect_to") ?? "", fromBody, headers.referer ?? ""]) {
    if (/^https?:\/\//i.test(candidate)) {
      try {
        return new URL(candidate).toString();
      } catch {
        // not a URL: try the next candidate
      }
    }
  }
  return ctx.state.settings.siteUrl;
}

/** generateFlowState: remembers the code challenge until /verify (or the OAuth callback) hands out the code. */
export function createFlow(ctx: FakeContext, pkce: Pkce, userId: string, authMethod: string, providerType: string): FlowState {
  const flow: FlowState = {
    id: newId(),
    authCode: newId(),
    userId,
    authMethod,
    providerType,
    codeChallenge: pkce.codeChallenge,
    codeChallengeMethod: pkce.codeChallengeMethod,
    createdAt: new Date(),
    authCodeIssuedAt: null,
  };
  ctx.state.flows.set(flow.authCode, flow);
  return flow;
}

/**
 * The mailer: a fresh one-time token of the given kind replaces the user's previous one (so older
 * links stop working, as in GoTrue), and the email lands in the outbox with the link GoTrue's
 * templates put in {{ .ConfirmationURL }}: `<API_EXTERNAL_URL>/verify?token=…&type=…&redirect_to=…`.
 */
export function sendLinkEmail(
  ctx: FakeContext,
  user: UserRecord,
  type: EmailType,
  opts: { redirectTo: string; pkce: boolean; to?: string; slot?: "current" | "new" },
): void {
  const to = opts.to ?? user.email;
  const otp = newOtp();
  const hash = tokenHash(to, otp);
  const stored = opts.pkce ? `pkce_${hash}` : hash;
  const now = new Date();
  if (type === "signup") {
    user.confirmationToken = stored;
    user.confirmationSentAt = now;
  } else if (type === "magiclink" || type === "recovery") {
    user.recoveryToken = stored;
    user.recoverySentAt = now;
  } else {
    if (opts.slot === "current") user.emailChangeTokenCurrent = stored;
    else user.emailChangeTokenNew = stored;
    user.emailChangeSentAt = now;
  }
  const link = `${ctx.issuer}/verify?${new URLSearchParams({ token: stored, type, redirect_to: opts.redirectTo })}`;
  ctx.state.outbox.push({ to, type, link, sentAt: now.toISOString(), otp, tokenHash: hash, redirectTo: opts.redirectTo });
}

/** isOtpValid: the stored value is the hash, or the hash with the `pkce_` prefix. */
export const tokenMatches = (stored: string, presented: string) => stored !== "" && (stored === presented || stored === `pkce_${presented}`);

export function isExpired(ctx: FakeContext, sentAt: Date | null): boolean {
  return !sentAt || Date.now() > sentAt.getTime() + ctx.state.settings.emailOtpExpirySeconds * 1000;
}
