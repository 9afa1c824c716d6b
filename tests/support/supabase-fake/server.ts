import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleControl, type ControlTarget } from "./control";
import { ApiError, errorBody, json, readJson, requestedApiVersion, sendReply, setCors, type FakeRequest, type Reply } from "./http";
import { validateEmail } from "./mail";
import { otp, recover, signup } from "./routes-email";
import { authorize, jwks, settings as settingsRoute } from "./routes-oauth";
import { getUser, logout, passwordGrant, token, updateUser } from "./routes-session";
import { verifyGet, verifyPost } from "./routes-verify";
import { mintToken, type TokenResponse } from "./sessions";
import { FakeState, type FakeContext, type FakeSettings, type OutboxEmail, type RecordedRequest } from "./state";
import { createKeyMaterial, FAKE_ANON_KEY } from "./tokens";
import { addEmailIdentity, confirmUser, newUserRecord } from "./users";

/**
 * A loopback server speaking the Supabase Auth (GoTrue) HTTP API under /auth/v1, with real ES256
 * JWTs, so the real supabase-js / @supabase/ssr clients run against it unmodified. Endpoints:
 *
 *   GET  /auth/v1/settings                 GET  /auth/v1/.well-known/jwks.json (no apikey needed)
 *   POST /auth/v1/signup                   POST /auth/v1/token?grant_type=password|refresh_token|pkce
 *   POST /auth/v1/otp                      POST /auth/v1/recover
 *   GET  /auth/v1/verify (email links; no apikey needed)   POST /auth/v1/verify (verifyOtp)
 *   GET  /auth/v1/authorize?provider=…     (OAuth, provider approves at once; no apikey needed)
 *   GET  /auth/v1/user   PUT /auth/v1/user   POST /auth/v1/logout?scope=global|local|others
 *   GET  /auth/v1/health
 * plus the `/__fake/*` control API (see control.ts). Every /auth/v1 call except the browser-facing
 * ones needs the anon key as `apikey` (header or query), like Supabase's API gateway; CORS is open.
 */

export interface SupabaseFakeOptions {
  port?: number;
  /** "Confirm email" off. Default false, like a new hosted project. */
  autoconfirm?: boolean;
  external?: { github?: boolean; google?: boolean };
  /** JWT expiry (GOTRUE_JWT_EXP). Default 3600. */
  accessTokenTtlSeconds?: number;
  disableSignup?: boolean;
  /** SITE_URL. Default http://127.0.0.1:3000. */
  siteUrl?: string;
  /** Default 10, GoTrue's default. */
  refreshTokenReuseIntervalSeconds?: number;
  /** Default 3600. */
  emailOtpExpirySeconds?: number;
}

export interface SupabaseFake {
  /** The "Supabase URL", e.g. http://127.0.0.1:41234; auth lives under /auth/v1. */
  url: string;
  /** An HS256 anon key shaped like a real project's; required as `apikey` on /auth/v1 calls. */
  anonKey: string;
  /** `${url}/auth/v1`. */
  issuer: string;
  jwks: { keys: JsonWebKey[] };
  /** The ES256 signing key, for tests that mint their own tokens. */
  privateJwk: JsonWebKey;
  kid: string;
  mint(claims: Record<string, unknown>, opts?: { expiresInSeconds?: number; header?: Record<string, unknown> }): Promise<string>;
  createUser(email: string, password: string, opts?: { confirmed?: boolean; userMetadata?: Record<string, unknown> }): Promise<{ id: string; email: string }>;
  /** The password grant; throws the ApiError GoTrue would answer with (`.code` is the error code). */
  signIn(email: string, password: string): Promise<TokenResponse>;
  emails(): OutboxEmail[];
  /** Mutable: handlers read it on every request. */
  settings: FakeSettings;
  requests(): RecordedRequest[];
  /** Forgets users, sessions, flows, emails and requests; keeps settings and keys. */
  reset(): void;
  close(): Promise<void>;
}

type Handler = (ctx: FakeContext, req: FakeRequest) => Promise<Reply>;

const ROUTES: Record<string, Handler> = {
  "GET /settings": (ctx) => settingsRoute(ctx),
  "GET /.well-known/jwks.json": (ctx) => jwks(ctx),
  "GET /health": async () => json({ version: "supabase-fake", name: "GoTrue", description: "GoTrue is a user registration and authentication API" }),
  "POST /signup": signup,
  "POST /token": token,
  "POST /otp": otp,
  "POST /recover": recover,
  "GET /verify": verifyGet,
  "POST /verify": verifyPost,
  "GET /authorize": authorize,
  "GET /user": getUser,
  "PUT /user": updateUser,
  "POST /logout": logout,
};

/** Routes Supabase's gateway serves without an API key: the ones a browser reaches by navigation, and the JWKS. */
const OPEN_ROUTES = new Set(["/verify", "/authorize", "/callback", "/.well-known/jwks.json"]);

/** The gateway's answer to a missing or wrong key (it never reaches GoTrue, hence the different shape). */
function checkApiKey(req: IncomingMessage, url: URL, anonKey: string): Reply | null {
  const header = req.headers.apikey;
  const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("apikey");
  if (!key) return json({ message: "No API key found in request", hint: "No `apikey` request header or url param was found." }, 401);
  if (key !== anonKey) return json({ message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." }, 401);
  return null;
}

export async function startSupabaseFake(options: SupabaseFakeOptions = {}): Promise<SupabaseFake> {
  const keys = await createKeyMaterial();
  const state = new FakeState({
    autoconfirm: options.autoconfirm ?? false,
    external: { github: options.external?.github ?? false, google: options.external?.google ?? false },
    disableSignup: options.disableSignup ?? false,
    siteUrl: options.siteUrl ?? "http://127.0.0.1:3000",
    refreshTokenReuseIntervalSeconds: options.refreshTokenReuseIntervalSeconds ?? 10,
    emailOtpExpirySeconds: options.emailOtpExpirySeconds ?? 3600,
  });
  const anonKey = FAKE_ANON_KEY;
  // Filled in once the port is known; handlers only run after that.
  const ctx: FakeContext = { state, keys, issuer: "", accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600 };

  async function handleAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = url.pathname.slice("/auth/v1".length) || "/";
    const version = requestedApiVersion(req.headers);
    const record: RecordedRequest = { method: req.method ?? "GET", path: url.pathname };
    const grantType = url.searchParams.get("grant_type");
    if (route === "/token" && grantType) record.grantType = grantType;
    state.requests.push(record);
    let reply: Reply | null = OPEN_ROUTES.has(route) ? null : checkApiKey(req, url, anonKey);
    if (!reply) {
      try {
        const handler = ROUTES[`${req.method} ${route}`];
        if (!handler) {
          const known = Object.keys(ROUTES).some((k) => k.endsWith(` ${route}`));
          throw known ? new ApiError(405, "method_not_allowed", "Method not allowed") : new ApiError(404, "not_found", "Path not found");
        }
        const body = req.method === "GET" || req.method === "HEAD" ? {} : await readJson(req);
        reply = await handler(ctx, { method: req.method ?? "GET", route, query: url.searchParams, headers: req.headers, body });
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : new ApiError(500, "unexpected_failure", "Unexpected failure, please check server logs for more information");
        if (!(err instanceof ApiError)) console.error("supabase-fake: unexpected error", err);
        reply = json(errorBody(apiErr, version), apiErr.status);
      }
    }
    record.status = reply.status;
    sendReply(res, reply, version);
  }

  const fake: Omit<SupabaseFake, "url" | "issuer" | "close"> = {
    anonKey,
    jwks: { keys: [keys.publicJwk] },
    privateJwk: keys.privateJwk,
    kid: keys.kid,
    settings: state.settings,
    mint: (claims, opts) => mintToken(ctx, claims, opts),
    async createUser(email, password, opts = {}) {
      const address = validateEmail(email);
      if (state.findUserByEmail(address)) throw new ApiError(422, "email_exists", "A user with this email address has already been registered");
      const user = newUserRecord(address, password, "email", opts.userMetadata ?? {});
      addEmailIdentity(user, opts.userMetadata ?? {});
      if (opts.confirmed ?? true) confirmUser(user);
      state.users.set(user.id, user);
      return { id: user.id, email: user.email };
    },
    async signIn(email, password) {
      const reply = await passwordGrant(ctx, { email, password });
      return (reply as { body: TokenResponse }).body;
    },
    emails: () => state.outbox.map((e) => ({ ...e })),
    requests: () => state.requests.map((r) => ({ ...r })),
    reset: () => state.reset(),
  };

  const control: ControlTarget = {
    ...fake,
    keys: () => ({ privateJwk: keys.privateJwk, publicJwk: keys.publicJwk, kid: keys.kid, anonKey, issuer: ctx.issuer }),
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    setCors(req, res);
    const work =
      req.method === "OPTIONS"
        ? Promise.resolve(void res.writeHead(204).end())
        : url.pathname.startsWith("/__fake/")
          ? handleControl(control, req, res, url)
          : url.pathname === "/auth/v1" || url.pathname.startsWith("/auth/v1/")
            ? handleAuth(req, res, url)
            : Promise.resolve(sendReply(res, json({ message: "no Route matched with those values" }, 404), null));
    work.catch((err: unknown) => {
      console.error("supabase-fake: request failed", err);
      if (!res.headersSent) sendReply(res, json({ message: String(err) }, 500), null);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  ctx.issuer = `${url}/auth/v1`;

  return {
    ...fake,
    url,
    issuer: ctx.issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
