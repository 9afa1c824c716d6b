import { importJWK, SignJWT, type JWK } from "jose";
import { AUTH_URL, SUPABASE_FAKE_URL } from "../../../playwright.config";

/**
 * The Supabase Auth fake that scripts/e2e-server.mjs --auth starts beside the app, driven over its
 * control API: users, their sessions, the outbox, and the signing key (so specs can mint tokens the
 * app must accept — and forge ones it must refuse).
 */

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  expires_at: number;
  token_type: string;
  user: { id: string; email: string };
}

export interface OutboxEmail {
  to: string;
  type: "signup" | "magiclink" | "recovery" | "email_change";
  link: string;
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SUPABASE_FAKE_URL}/__fake/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`supabase fake ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

let counter = 0;
/** An address no other test uses. */
export const uniqueEmail = (label: string) => `${label}-${process.pid}-${Date.now()}-${++counter}@example.test`;

export const fakeAuth = {
  createUser: (email: string, password: string) => control<{ id: string; email: string }>("users", { email, password, confirmed: true }),
  signIn: (email: string, password: string) => control<Session>("sign-in", { email, password }),
  emails: (to: string) => control<OutboxEmail[]>(`emails?to=${encodeURIComponent(to)}`),
  keys: () => control<{ privateJwk: JWK; publicJwk: JWK; kid: string; anonKey: string; issuer: string }>("keys"),
  mint: (claims: Record<string, unknown>, expiresInSeconds?: number) => control<{ token: string }>("mint", { claims, ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}) }),
};

/** A signed-in user of the auth server, as an API caller. */
export interface TestUser {
  id: string;
  email: string;
  token: string;
  session: Session;
  headers: Record<string, string>;
}

export async function newUser(label: string): Promise<TestUser> {
  const email = uniqueEmail(label);
  const password = "correct horse battery staple";
  const { id } = await fakeAuth.createUser(email, password);
  const session = await fakeAuth.signIn(email, password);
  return {
    id,
    email,
    token: session.access_token,
    session,
    headers: { authorization: `Bearer ${session.access_token}`, origin: AUTH_URL, "content-type": "application/json" },
  };
}

/** Sign a token with the fake's own key, claims as given (the defaults a real token has first). */
export async function signWithProjectKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const { privateJwk, kid } = await fakeAuth.keys();
  const key = await importJWK(privateJwk, "ES256");
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "JWT", kid, ...header }).sign(key);
}

/** The session cookie @supabase/ssr keeps for a Supabase URL on 127.0.0.1 (one chunk). */
export function sessionCookie(session: Pick<Session, "access_token" | "refresh_token" | "expires_at" | "expires_in" | "token_type" | "user">): { name: string; value: string } {
  return { name: "sb-127-auth-token", value: `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}` };
}

/** The session a session cookie's value holds (what only the server reads now: the cookie is HttpOnly). */
export function sessionOfCookie(value: string): Session {
  return JSON.parse(Buffer.from(value.replace(/^base64-/, ""), "base64url").toString()) as Session;
}

export interface AppSession {
  /** A Cookie header carrying the session, as the browser would send it. */
  cookie: string;
  /** The Set-Cookie headers the sign-in answered with. */
  setCookies: string[];
  session: Session;
}

/** Sign in through Tessera's own endpoint, as the sign-in page does. */
export async function signInThroughApp(request: import("@playwright/test").APIRequestContext, email: string, password: string): Promise<AppSession> {
  const res = await request.post("/api/auth/sign-in", { headers: { origin: AUTH_URL }, data: { email, password, next: "/" } });
  if (res.status() !== 200) throw new Error(`sign-in answered ${res.status()}: ${await res.text()}`);
  const setCookies = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
  const pairs = setCookies.map((c) => c.split(";")[0]!).filter((p) => !p.endsWith("="));
  const main = pairs.find((p) => p.startsWith("sb-127-auth-token="));
  if (!main) throw new Error(`no session cookie in ${JSON.stringify(setCookies)}`);
  return { cookie: pairs.join("; "), setCookies, session: sessionOfCookie(main.slice(main.indexOf("=") + 1)) };
}
