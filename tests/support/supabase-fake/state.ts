import type { KeyMaterial } from "./tokens";
import type { UserRecord } from "./users";

/** Everything the fake remembers between requests, plus the mutable project settings. */

export type EmailType = "signup" | "magiclink" | "recovery" | "email_change";

/** One email the real service would have sent. `link` is the {{ .ConfirmationURL }} the user clicks. */
export interface OutboxEmail {
  to: string;
  type: EmailType;
  link: string;
  sentAt: string;
  /** The six-digit code of the same email ({{ .Token }}), for verifyOtp({ email, token, type }). */
  otp: string;
  /** {{ .TokenHash }}, for verifyOtp({ token_hash, type }). */
  tokenHash: string;
  redirectTo: string;
}

export interface FakeSettings {
  /** "Confirm email" off: signups are confirmed at once and get a session (GOTRUE_MAILER_AUTOCONFIRM). */
  autoconfirm: boolean;
  external: { github: boolean; google: boolean };
  disableSignup: boolean;
  /** Where email links and OAuth send the browser when the request named no redirect_to (SITE_URL). */
  siteUrl: string;
  /** GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: how long a rotated refresh token may still be used. Default 10. */
  refreshTokenReuseIntervalSeconds: number;
  /** GOTRUE_MAILER_OTP_EXP: lifetime of email links and codes. Hosted default 3600. */
  emailOtpExpirySeconds: number;
}

export interface AmrEntry {
  method: string;
  timestamp: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  refreshedAt: Date | null;
  amr: AmrEntry[];
}

export interface RefreshTokenRecord {
  token: string;
  sessionId: string;
  userId: string;
  parent: string | null;
  revoked: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** models.FlowState: a PKCE flow between "send the link / start OAuth" and POST /token?grant_type=pkce. */
export interface FlowState {
  id: string;
  authCode: string;
  userId: string;
  /** models.AuthenticationMethod string: "email/signup", "magiclink", "recovery", "email_change", "oauth". */
  authMethod: string;
  providerType: string;
  codeChallenge: string;
  codeChallengeMethod: "s256" | "plain";
  createdAt: Date;
  authCodeIssuedAt: Date | null;
  providerAccessToken?: string;
}

export interface RecordedRequest {
  method: string;
  /** Full path without the query, e.g. `/auth/v1/token`. */
  path: string;
  grantType?: string;
  status?: number;
}

/** GoTrue's FlowStateExpiryDuration default: 5 minutes. */
export const FLOW_STATE_EXPIRY_MS = 5 * 60 * 1000;

export class FakeState {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly flows = new Map<string, FlowState>();
  readonly outbox: OutboxEmail[] = [];
  readonly requests: RecordedRequest[] = [];

  constructor(readonly settings: FakeSettings) {}

  /** Emails match case-insensitively, as FindUserByEmailAndAudience does. */
  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  findUserByIdentity(provider: string, providerId: string): UserRecord | undefined {
    for (const user of this.users.values()) if (user.identities.some((i) => i.provider === provider && i.providerId === providerId)) return user;
    return undefined;
  }

  /** Deletes sessions (and with them their refresh tokens), as models.Logout / LogoutSession / LogoutAllExceptMe. */
  deleteSessions(predicate: (session: SessionRecord) => boolean): void {
    for (const session of [...this.sessions.values()]) {
      if (!predicate(session)) continue;
      this.sessions.delete(session.id);
      for (const [token, record] of this.refreshTokens) if (record.sessionId === session.id) this.refreshTokens.delete(token);
    }
  }

  /** The session's one unrevoked refresh token (Session.FindCurrentlyActiveRefreshToken). */
  activeRefreshToken(sessionId: string): RefreshTokenRecord | undefined {
    let active: RefreshTokenRecord | undefined;
    for (const record of this.refreshTokens.values()) if (record.sessionId === sessionId && !record.revoked) active = record;
    return active;
  }

  /** models.FindFlowStateByUserID: the newest flow of that user and method. */
  latestFlow(userId: string, authMethod: string): FlowState | undefined {
    let latest: FlowState | undefined;
    for (const flow of this.flows.values()) {
      if (flow.userId !== userId || flow.authMethod !== authMethod) continue;
      if (!latest || flow.createdAt >= latest.createdAt) latest = flow;
    }
    return latest;
  }

  /** FlowState.IsExpired: magic links count from when the code was issued, everything else from creation. */
  isFlowExpired(flow: FlowState): boolean {
    const start = flow.authMethod === "magiclink" && flow.authCodeIssuedAt ? flow.authCodeIssuedAt : flow.createdAt;
    return Date.now() > start.getTime() + FLOW_STATE_EXPIRY_MS;
  }

  reset(): void {
    this.users.clear();
    this.sessions.clear();
    this.refreshTokens.clear();
    this.flows.clear();
    this.outbox.length = 0;
    this.requests.length = 0;
  }
}

/** What every route handler gets. */
export interface FakeContext {
  state: FakeState;
  keys: KeyMaterial;
  /** `${url}/auth/v1`: the JWT issuer and the base of email links. */
  issuer: string;
  accessTokenTtlSeconds: number;
}
