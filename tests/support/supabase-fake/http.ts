import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/**
 * HTTP plumbing shared by the fake's routes: GoTrue's error type and its two JSON shapes, the
 * redirect helpers GoTrue uses for browser-facing endpoints, CORS, and body parsing.
 */

/** GoTrue's HTTPError: an HTTP status, an error code from its list (`error_code`), a message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields, e.g. `weak_password: { reasons }`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** GoTrue's OAuthError: answered as `{ error, error_description }` with status 400, whatever the API version. */
export class OAuthError extends ApiError {
  constructor(error: string, description: string) {
    super(400, error, description);
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const unprocessable = (code: string, message: string) => new ApiError(422, code, message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);

export const MIN_PASSWORD_LENGTH = 6;
/** GoTrue's WeakPasswordError for the hosted default policy (minimum length 6, no character rules). */
export function weakPasswordError(): ApiError {
  return new ApiError(422, "weak_password", `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, {
    weak_password: { reasons: ["length"] },
  });
}

export const API_VERSION = "2024-01-01";

/**
 * GoTrue's DetermineClosestAPIVersion: a request carrying `X-Supabase-Api-Version` on or after
 * 2024-01-01 (supabase-js always sends 2024-01-01) gets that version echoed back and the newer error
 * body; a request without it (a browser following an email link, a bare fetch) gets neither.
 */
export function requestedApiVersion(headers: IncomingHttpHeaders): string | null {
  const raw = headers["x-supabase-api-version"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  return Date.parse(`${value}T00:00:00Z`) >= Date.parse(`${API_VERSION}T00:00:00Z`) ? API_VERSION : null;
}

/**
 * HandleResponseError: `{ code: "invalid_credentials", message }` when the request asked for
 * 2024-01-01 (what supabase-js always gets), else the legacy `{ code: 400, error_code, msg }` (what a
 * browser navigation or a bare fetch gets). auth-js reads `code` when the response carries the version
 * header and `error_code` otherwise, so both shapes yield the same AuthApiError.code.
 */
export function errorBody(err: ApiError, version: string | null): Record<string, unknown> {
  if (err instanceof OAuthError) return { error: err.code, error_description: err.message };
  if (version) return { code: err.code, message: err.message, ...err.extra };
  return { code: err.status, error_code: err.code, msg: err.message, ...err.extra };
}

export type Reply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "empty"; status: number }
  | { kind: "redirect"; status: 302 | 303; location: string };

export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ kind: "json", status, body, headers });
export const empty = (status = 204): Reply => ({ kind: "empty", status });
export const redirect = (location: string, status: 302 | 303): Reply => ({ kind: "redirect", status, location });

// Go's url.Values.Encode sorts by key; mirror it so redirect URLs look like GoTrue's.
function encodeSorted(params: URLSearchParams): string {
  const copy = new URLSearchParams(params);
  copy.sort();
  return copy.toString();
}

/** GoTrue's oauthErrorMap: the OAuth `error` value for an HTTP status, where there is one. */
const OAUTH_ERRORS: Record<number, string> = { 400: "invalid_request", 401: "unauthorized_client", 403: "access_denied", 500: "server_error", 503: "temporarily_unavailable" };

/**
 * verify.go prepErrorRedirectURL: the error always goes in the fragment; for PKCE it also replaces
 * the query (keeping the redirect URL's own parameters), since a server can't read a fragment.
 */
export function errorRedirectUrl(redirectTo: string, err: ApiError, pkce: boolean): string {
  const url = new URL(redirectTo);
  const query = new URLSearchParams(url.search);
  const hash = new URLSearchParams();
  const oauth = OAUTH_ERRORS[err.status];
  for (const params of [query, hash]) {
    if (oauth) params.set("error", oauth);
    params.set("error_code", err.code);
    params.set("error_description", err.message);
  }
  if (pkce) url.search = encodeSorted(query);
  url.hash = encodeSorted(hash);
  return url.toString();
}

/** external.go redirectErrors (OAuth callback failures): the error in both the query and the fragment. */
export function oauthErrorRedirectUrl(redirectTo: string, err: ApiError): string {
  const url = new URL(redirectTo);
  const query = new URLSearchParams(url.search);
  const error = ["signup_disabled", "user_banned", "provider_email_needs_verification"].includes(err.code) ? "access_denied" : (OAUTH_ERRORS[err.status] ?? "server_error");
  const hash = new URLSearchParams({ error, error_code: err.code, error_description: err.message });
  for (const [k, v] of hash) query.set(k, v);
  url.search = encodeSorted(query);
  url.hash = encodeSorted(hash);
  return url.toString();
}

/** prepPKCERedirectURL: `code` added to the redirect URL's query. */
export function codeRedirectUrl(redirectTo: string, code: string): string {
  const url = new URL(redirectTo);
  const query = new URLSearchParams(url.search);
  query.set("code", code);
  url.search = encodeSorted(query);
  return url.toString();
}

/** prepRedirectURL: an informational message (secure email change, first of two links). */
export function messageRedirectUrl(redirectTo: string, message: string, pkce: boolean): string {
  const url = new URL(redirectTo);
  const query = new URLSearchParams(url.search);
  if (pkce) query.set("message", message);
  url.search = encodeSorted(query);
  url.hash = new URLSearchParams({ message }).toString();
  return url.toString();
}

/** AccessTokenResponse.AsRedirectURL (implicit flow): the session in the fragment, appended as a string. */
export function tokenRedirectUrl(redirectTo: string, fields: Record<string, string | number>): string {
  const params = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]));
  return `${redirectTo}#${encodeSorted(params)}`;
}

export function setCors(req: IncomingMessage, res: ServerResponse): void {
  // `Access-Control-Allow-Headers: *` does not cover Authorization, so echo what the preflight asks for.
  const requested = req.headers["access-control-request-headers"];
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", requested ? `${requested}, *` : "authorization, apikey, content-type, x-client-info, x-supabase-api-version, *");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  res.setHeader("Access-Control-Expose-Headers", "X-Supabase-Api-Version, X-Total-Count, Link");
  res.setHeader("Access-Control-Max-Age", "86400");
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  const raw = Buffer.concat(parts).toString("utf8").trim();
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw badRequest("bad_json", `Could not parse request body as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("bad_json", "Could not parse request body as JSON: expected an object");
  return parsed as Record<string, unknown>;
}

/** A string field of a JSON body; null, missing and non-strings read as "" (supabase-js sends `code_challenge: null`). */
export const str = (body: Record<string, unknown>, key: string): string => (typeof body[key] === "string" ? (body[key] as string) : "");

export function sendReply(res: ServerResponse, reply: Reply, version: string | null): void {
  if (version) res.setHeader("X-Supabase-Api-Version", version);
  if (reply.kind === "redirect") {
    res.writeHead(reply.status, { Location: reply.location });
    res.end();
  } else if (reply.kind === "empty") {
    res.writeHead(reply.status);
    res.end();
  } else {
    res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }
}

/** One request as the route handlers see it: the route is the path below `/auth/v1`. */
export interface FakeRequest {
  method: string;
  route: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
