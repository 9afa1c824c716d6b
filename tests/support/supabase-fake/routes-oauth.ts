import { createHash } from "node:crypto";
import { ApiError, badRequest, codeRedirectUrl, json, oauthErrorRedirectUrl, redirect, tokenRedirectUrl, unprocessable, type FakeRequest, type Reply } from "./http";
import { createFlow, referrer, validatePkce } from "./mail";
import { issueSession } from "./sessions";
import type { FakeContext } from "./state";
import { confirmUser, newUserRecord, syncProviders, type Identity, type UserRecord } from "./users";
import { newId } from "./tokens";

/** GET /authorize (OAuth sign-in with the provider's consent simulated), GET /settings, GET /.well-known/jwks.json. */

/** Providers GoTrue knows. Only github and google can be enabled in the fake; the rest answer "not enabled". */
const KNOWN_PROVIDERS = [
  "apple", "azure", "bitbucket", "discord", "facebook", "figma", "fly", "github", "gitlab", "google", "kakao", "keycloak",
  "linkedin", "linkedin_oidc", "notion", "spotify", "slack", "slack_oidc", "twitch", "twitter", "workos", "zoom",
];

/** What the simulated provider says about the user: the claims GoTrue's github / google providers map. */
function providerClaims(provider: "github" | "google", email: string): { providerId: string; data: Record<string, unknown> } {
  const digits = BigInt(`0x${createHash("sha256").update(`${provider}:${email}`).digest("hex").slice(0, 12)}`).toString();
  const name = email.split("@")[0] ?? email;
  if (provider === "github") {
    const providerId = digits.slice(0, 8);
    return {
      providerId,
      data: {
        avatar_url: `https://avatars.githubusercontent.com/u/${providerId}?v=4`,
        email,
        email_verified: true,
        full_name: name,
        iss: "https://api.github.com",
        name,
        phone_verified: false,
        preferred_username: name,
        provider_id: providerId,
        sub: providerId,
        user_name: name,
      },
    };
  }
  const providerId = `1${digits.padStart(20, "0").slice(0, 20)}`;
  return {
    providerId,
    data: {
      avatar_url: "https://lh3.googleusercontent.com/a/fake",
      email,
      email_verified: true,
      full_name: name,
      iss: "https://accounts.google.com",
      name,
      phone_verified: false,
      picture: "https://lh3.googleusercontent.com/a/fake",
      provider_id: providerId,
      sub: providerId,
    },
  };
}

/**
 * createAccountFromExternalIdentity, with a provider that always reports a verified email: an
 * existing identity signs in; an existing user with that email gets the identity linked (an
 * unconfirmed email/password identity is dropped first, as GoTrue does against pre-account
 * takeover); otherwise a new, confirmed user is created unless signups are disabled.
 */
function userForProviderLogin(ctx: FakeContext, provider: "github" | "google", email: string): UserRecord {
  const { state } = ctx;
  const { providerId, data } = providerClaims(provider, email);
  const now = new Date();
  let user = state.findUserByIdentity(provider, providerId);
  let identity: Identity | undefined;
  if (!user) {
    user = state.findUserByEmail(email);
    if (!user) {
      if (state.settings.disableSignup) throw unprocessable("signup_disabled", "Signups not allowed for this instance");
      user = newUserRecord(email, null, provider, {});
      state.users.set(user.id, user);
    } else if (!user.emailConfirmedAt) {
      user.identities = user.identities.filter((i) => i.provider !== "email");
      user.password = null;
    }
    identity = { identityId: newId(), providerId, provider, data, email, createdAt: now, updatedAt: now, lastSignInAt: now };
    user.identities.push(identity);
  } else {
    identity = user.identities.find((i) => i.provider === provider && i.providerId === providerId);
  }
  if (identity) Object.assign(identity, { data, updatedAt: now, lastSignInAt: now });
  user.userMetadata = { ...user.userMetadata, ...data };
  if (!user.emailConfirmedAt) confirmUser(user);
  syncProviders(user);
  user.updatedAt = now;
  return user;
}

/**
 * GET /authorize. GoTrue would 302 to the provider, which would come back to /callback; here the
 * provider approves at once, so this answers as /callback does: PKCE → 302 to redirect_to?code=…,
 * implicit → 302 to redirect_to#access_token=…. The user is `<provider>-user@example.test`, or the
 * `login_hint` query parameter (pass it with signInWithOAuth's `queryParams`) to pick another.
 *
 * An unknown or disabled provider is a 400 JSON error, not a redirect: GoTrue checks the provider
 * before it has a redirect target, so the browser shows `{"code":400,"error_code":"validation_failed",
 * "msg":"Unsupported provider: provider is not enabled"}`. Failures after that (signups disabled)
 * redirect to redirect_to with `error`, `error_code` and `error_description`, as the callback does.
 */
export async function authorize(ctx: FakeContext, req: FakeRequest): Promise<Reply> {
  const provider = (req.query.get("provider") ?? "").toLowerCase();
  if (!KNOWN_PROVIDERS.includes(provider)) throw badRequest("validation_failed", `Unsupported provider: Provider ${provider} could not be found`);
  const enabled = ctx.state.settings.external;
  if (!((provider === "github" && enabled.github) || (provider === "google" && enabled.google))) {
    throw badRequest("validation_failed", "Unsupported provider: provider is not enabled");
  }
  const pkce = validatePkce(req.query.get("code_challenge") ?? "", req.query.get("code_challenge_method") ?? "");
  const redirectTo = referrer(ctx, req.query, req.headers);
  const email = (req.query.get("login_hint") || `${provider}-user@example.test`).toLowerCase();
  const providerToken = `fake-${provider}-access-token-${newId()}`;
  try {
    const user = userForProviderLogin(ctx, provider as "github" | "google", email);
    if (pkce) {
      const flow = createFlow(ctx, pkce, user.id, "oauth", provider);
      flow.authCodeIssuedAt = new Date();
      flow.providerAccessToken = providerToken;
      return redirect(codeRedirectUrl(redirectTo, flow.authCode), 302);
    }
    const s = await issueSession(ctx, user, "oauth");
    const fields = { access_token: s.access_token, expires_at: s.expires_at, expires_in: s.expires_in, provider_token: providerToken, refresh_token: s.refresh_token, token_type: s.token_type };
    return redirect(tokenRedirectUrl(redirectTo, fields), 302);
  } catch (err) {
    if (err instanceof ApiError) return redirect(oauthErrorRedirectUrl(redirectTo, err), 302);
    throw err;
  }
}

/** GET /settings in GoTrue's shape. */
export async function settings(ctx: FakeContext): Promise<Reply> {
  const s = ctx.state.settings;
  const external: Record<string, boolean> = { anonymous_users: false };
  for (const provider of KNOWN_PROVIDERS) external[provider] = false;
  Object.assign(external, { github: s.external.github, google: s.external.google, email: true, phone: false });
  const sorted = Object.fromEntries(Object.entries(external).sort(([a], [b]) => a.localeCompare(b)));
  return json({ external: sorted, disable_signup: s.disableSignup, mailer_autoconfirm: s.autoconfirm, phone_autoconfirm: false, sms_provider: "", saml_enabled: false });
}

/** GET /.well-known/jwks.json: the public signing key, cached like GoTrue's. */
export async function jwks(ctx: FakeContext): Promise<Reply> {
  return json({ keys: [ctx.keys.publicJwk] }, 200, { "Cache-Control": "public, max-age=600" });
}
