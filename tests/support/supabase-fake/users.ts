import { newId } from "./tokens";

/** Users and identities as GoTrue stores them, and the JSON GoTrue's models.User serialises to. */

export interface Identity {
  identityId: string;
  /** The provider's id for the user (the user id itself for the email provider). */
  providerId: string;
  provider: string;
  data: Record<string, unknown>;
  email: string;
  createdAt: Date;
  updatedAt: Date;
  lastSignInAt: Date | null;
}

export interface UserRecord {
  id: string;
  /** "authenticated" for real users; the obfuscated repeated-signup answer blanks it. */
  role: string;
  email: string;
  /** Plain text: this is a test fixture. null when the user never set one (OAuth-only users). */
  password: string | null;
  emailConfirmedAt: Date | null;
  /** One pending token per kind, as in GoTrue's users table: a new email replaces the previous link. */
  confirmationToken: string;
  confirmationSentAt: Date | null;
  recoveryToken: string;
  recoverySentAt: Date | null;
  emailChange: string;
  emailChangeTokenCurrent: string;
  emailChangeTokenNew: string;
  emailChangeSentAt: Date | null;
  /** Secure email change: 0 until one of the two links has been followed, then 1. */
  emailChangeConfirmStatus: 0 | 1;
  lastSignInAt: Date | null;
  appMetadata: { provider?: string; providers?: string[]; [key: string]: unknown };
  userMetadata: Record<string, unknown>;
  identities: Identity[];
  createdAt: Date;
  updatedAt: Date;
}

export function newUserRecord(email: string, password: string | null, provider: string, metadata: Record<string, unknown> = {}): UserRecord {
  const now = new Date();
  return {
    id: newId(),
    role: "authenticated",
    email,
    password,
    emailConfirmedAt: null,
    confirmationToken: "",
    confirmationSentAt: null,
    recoveryToken: "",
    recoverySentAt: null,
    emailChange: "",
    emailChangeTokenCurrent: "",
    emailChangeTokenNew: "",
    emailChangeSentAt: null,
    emailChangeConfirmStatus: 0,
    lastSignInAt: null,
    appMetadata: { provider, providers: [provider] },
    userMetadata: { ...metadata },
    identities: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** The email identity signup creates: identity_data from provider.Claims{Subject, Email} plus the signup data. */
export function addEmailIdentity(user: UserRecord, data: Record<string, unknown> = {}): Identity {
  const now = new Date();
  const claims = { email: user.email, email_verified: false, phone_verified: false, sub: user.id };
  const identity: Identity = {
    identityId: newId(),
    providerId: user.id,
    provider: "email",
    data: { ...data, ...claims },
    email: user.email,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: now,
  };
  user.identities.push(identity);
  // Supabase mirrors the email identity's claims into user_metadata alongside the signup data.
  user.userMetadata = { ...user.userMetadata, ...claims };
  return identity;
}

/** User.Confirm: sets email_confirmed_at, clears the confirmation token and marks the email verified. */
export function confirmUser(user: UserRecord): void {
  user.emailConfirmedAt = new Date();
  user.confirmationToken = "";
  user.userMetadata.email_verified = true;
  for (const identity of user.identities) if (identity.email && identity.email === user.email) identity.data.email_verified = true;
  user.updatedAt = new Date();
}

/** UpdateAppMetaDataProviders: `providers` lists every linked identity's provider. */
export function syncProviders(user: UserRecord): void {
  user.appMetadata.providers = [...new Set(user.identities.map((i) => i.provider))];
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

function identityJson(identity: Identity, userId: string) {
  return {
    identity_id: identity.identityId,
    id: identity.providerId,
    user_id: userId,
    identity_data: identity.data,
    provider: identity.provider,
    last_sign_in_at: iso(identity.lastSignInAt),
    created_at: identity.createdAt.toISOString(),
    updated_at: identity.updatedAt.toISOString(),
    email: identity.email,
  };
}

/** A user as GoTrue serialises it (see userJson); the two fields tests reach for most are typed. */
export type UserJson = { id: string; email: string } & Record<string, unknown>;

/** models.User as JSON, in GoTrue's field order; optional timestamps are omitted when unset. */
export function userJson(user: UserRecord): UserJson {
  return {
    id: user.id,
    aud: "authenticated",
    role: user.role,
    email: user.email,
    email_confirmed_at: iso(user.emailConfirmedAt),
    phone: "",
    confirmation_sent_at: iso(user.confirmationSentAt),
    confirmed_at: iso(user.emailConfirmedAt),
    recovery_sent_at: iso(user.recoverySentAt),
    new_email: user.emailChange || undefined,
    email_change_sent_at: iso(user.emailChangeSentAt),
    last_sign_in_at: iso(user.lastSignInAt),
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    identities: user.identities.map((i) => identityJson(i, user.id)),
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    is_anonymous: false,
  };
}

/**
 * signup.go sanitizeUser: what a repeated signup of a confirmed email returns when confirmations are
 * on, so the response does not reveal that the address is registered (new random id, no identities).
 */
export function obfuscatedUserJson(email: string, data: Record<string, unknown>): UserJson {
  const user = newUserRecord(email, null, "email", data);
  user.role = "";
  user.confirmationSentAt = new Date();
  return userJson(user);
}
