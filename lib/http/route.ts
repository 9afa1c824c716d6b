import "server-only";
import type { z } from "zod";
import { authenticator, type Principal } from "../auth";
import { authenticateRequest, type RequestAuth } from "../auth/request";
import { appendCookies, writesSession, type CookieToSet } from "../auth/session";
import { env } from "../env";
import { AppError, errorBody, type FieldIssue } from "../errors";
import { log, securityEvent, type SecurityEventName } from "../log";
import { rateLimiter, rateRule, type RateDecision, type RateRule } from "../limits";
import { acceptRequestId, runWithRequestContext, currentRequestContext } from "../request-context";
import { BodyTooSlow, DEFAULT_MAX_BODY_BYTES, LARGEST_BODY_BYTES, parseJsonBody, readBodyCapped } from "./body";
import { clientIpFrom } from "./forwarded";
import { foreignHostError, hostAllowed, loggedHost } from "./host";
import { allowedOrigins, checkOrigin } from "./origin";
import { createNonce, cspSourcesFromEnv, securityHeaders } from "./security-headers";
import { searchParamsToObject, validatePart } from "./validate";

/**
 * The security spine (DESIGN 4.1). Every route handler is built with `route()`, which runs, in
 * order: Host allowlist → CSRF origin check → body size cap and pace → Zod validation of params,
 * query and body → authentication (refreshing an expiring session cookie first) → rate limit → the
 * handler, with a typed context. Every refusal is a typed error and one security event; every
 * response carries the request id and the security headers.
 *
 * The caller is identified (from headers only) before a body is read, so a body that arrives too
 * slowly is counted against them: their user when the token verifies, else their address. Refusing
 * a missing principal still happens at the authentication step, after validation.
 *
 * API routes are kept out of proxy.ts's matcher on purpose: Next buffers the whole request body for
 * the proxy before any handler runs, which would defeat the streamed body cap here. The spine sets
 * the same headers proxy.ts sets on pages.
 */

export const SPINE = Symbol.for("tessera.spine");

type AnySchema = z.ZodType;
type Out<S> = S extends AnySchema ? z.output<S> : undefined;

export interface RouteContext<P, Q, B, A extends AuthMode> {
  request: Request;
  requestId: string;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  principal: A extends "required" ? Principal : Principal | null;
  /** The verified access token a Supabase caller came with, for calls made on its behalf. Never log it. */
  accessToken: string | null;
  clientIp: string;
}

type AuthMode = "required" | "optional" | "none";

export interface RouteDefinition<P, Q, B, A extends AuthMode> {
  params?: P;
  query?: Q;
  body?: B;
  /** Defaults to "required": a route must opt out of authentication explicitly. */
  auth?: A;
  /**
   * Also ask the auth server whether the caller's session still exists (one round trip to
   * Supabase): for calls whose effects outlive the session — keeping an API key, making a share
   * link, deleting a project — so a session ended outside Tessera cannot do them.
   */
  confirmSession?: boolean;
  rateLimit: RateRule | (() => RateRule);
  maxBodyBytes?: number;
  /** Appended to the 413 message: what in this endpoint's body is capped (e.g. images). */
  maxBodyHint?: string;
  /**
   * "app" (default): the spine sets DESIGN 4.2's headers. "own": the handler's response carries its
   * own security policy (previews of generated code, which must be framable by the app and run
   * under a CSP sandbox); the spine adds only the request id.
   */
  securityHeaders?: "app" | "own";
  handler: (ctx: RouteContext<P, Q, B, A>) => Promise<Response> | Response;
}

export type SpineHandler = ((request: Request, context: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>) & {
  [SPINE]: true;
};

/** Refuse and record: every refusal is one typed error and one security event. */
function refuse(event: SecurityEventName, error: AppError, fields: Record<string, unknown> = {}): never {
  securityEvent(event, { code: error.code, reason: error.message, ...fields });
  refused.add(error);
  throw error;
}

/** Errors already recorded by refuse(), so a handler's rethrow is not counted twice. */
const refused = new WeakSet<AppError>();
const HANDLER_REFUSALS = new Set<string>(["bad_request:validation", "bad_request:json", "bad_request:content_type", "payload_too_large"]);

export function route<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
  A extends AuthMode = "required",
>(def: RouteDefinition<P, Q, B, A>): SpineHandler {
  const maxBodyBytes = def.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // scripts/serve.ts sizes the server's requestTimeout from the largest cap; a larger one would be cut there first.
  if (maxBodyBytes > LARGEST_BODY_BYTES) throw new Error(`maxBodyBytes ${maxBodyBytes} is over LARGEST_BODY_BYTES (${LARGEST_BODY_BYTES}); raise that too.`);
  const authMode: AuthMode = def.auth ?? "required";

  const handler = async (request: Request, context: { params: Promise<Record<string, string | string[] | undefined>> }) => {
    const requestId = acceptRequestId(request.headers.get("x-request-id"));
    const url = new URL(request.url);
    return runWithRequestContext({ requestId, method: request.method, path: url.pathname }, async () => {
      let response: Response;
      let decision: RateDecision | undefined;
      let sessionCookies: CookieToSet[] = [];
      const config = env();
      const https = url.protocol === "https:";
      const clientIp = clientIpFrom(request.headers.get("x-forwarded-for"), config.TRUST_PROXY);
      const where = { method: request.method, path: url.pathname, clientIp };
      // One authentication per request (a refresh included), made early when a body is to be read.
      let identified: Promise<RequestAuth> | undefined;
      const identify = () =>
        (identified ??= authMode === "none" ? Promise.resolve({ result: { principal: null, reason: "none" }, cookies: [], cookieHeader: null }) : authenticateRequest(request.headers, https));
      try {
        // Also checked by scripts/serve.ts and proxy.ts; here for every other way a handler is reached (next dev).
        const host = request.headers.get("host") ?? url.host;
        if (!hostAllowed(host, config)) refuse("host.blocked", foreignHostError(config), { ...where, host: loggedHost(host) });

        try {
          checkOrigin(request, allowedOrigins(config));
        } catch (err) {
          refuse("csrf.blocked", err as AppError, { ...where, origin: request.headers.get("origin") });
        }

        let rawBody: unknown;
        if (def.body) {
          const type = request.headers.get("content-type") ?? "";
          if (!/^application\/json\s*(;|$)/i.test(type)) {
            refuse("validation.failed", new AppError("bad_request:content_type", "Send the body as JSON with Content-Type: application/json."), where);
          }
          const slow = rateRule("slowBody");
          const { principal: caller } = (await identify()).result;
          const callerSubject = caller ? `user:${caller.userId}` : `ip:${clientIp}`;
          const standing = await rateLimiter().peek(callerSubject, slow);
          if (!standing.allowed) {
            const seconds = Math.max(1, Math.ceil(standing.retryAfterMs / 1000));
            refuse(
              "ratelimit.blocked",
              new AppError("rate_limit:exceeded", `Too many of your recent requests sent their body too slowly. Try again in ${seconds} s.`, {
                headers: { "Retry-After": String(seconds), Connection: "close" },
              }),
              { ...where, rule: slow.name, subject: caller ? "user" : "ip" },
            );
          }
          let bytes: Uint8Array;
          try {
            bytes = await readBodyCapped(request, maxBodyBytes);
          } catch (err) {
            if (err instanceof AppError && err.code === "payload_too_large") {
              const hinted = def.maxBodyHint ? new AppError("payload_too_large", `${err.message} ${def.maxBodyHint}`) : err;
              refuse("body.too_large", hinted, { ...where, limit: maxBodyBytes });
            }
            if (err instanceof BodyTooSlow) {
              await rateLimiter().consume(callerSubject, slow);
              refuse("body.slow", err, { ...where, received: err.received, elapsedMs: Math.round(err.elapsedMs), limit: maxBodyBytes, subject: caller ? "user" : "ip" });
            }
            throw err;
          }
          try {
            rawBody = parseJsonBody(bytes);
          } catch (err) {
            refuse("validation.failed", err as AppError, where);
          }
        }

        const issues: FieldIssue[] = [];
        const params = validatePart(def.params, await context.params, "params");
        const query = validatePart(def.query, searchParamsToObject(url.searchParams), "query");
        const body = validatePart(def.body, rawBody, "body");
        for (const part of [params, query, body]) if (!part.ok) issues.push(...part.issues);
        if (issues.length > 0 || !params.ok || !query.ok || !body.ok) {
          const summary = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
          refuse("validation.failed", new AppError("bad_request:validation", `Invalid request. ${summary}`, { fields: issues }), {
            ...where,
            fields: issues.map((i) => i.path),
          });
        }

        let principal: Principal | null = null;
        let accessToken: string | undefined;
        if (authMode !== "none") {
          const { result, cookies } = await identify();
          sessionCookies = cookies;
          principal = result.principal;
          if (result.principal) accessToken = result.accessToken;
          if (!result.principal && authMode === "required") {
            const reason = result.reason;
            const message =
              reason === "expired" ? "Your session has expired; sign in again." : reason === "revoked" ? "This session was signed out; sign in again." : "Sign in to use this endpoint.";
            refuse("auth.failed", new AppError("unauthorized", message), { ...where, reason });
          }
          const auth = authenticator();
          if (principal && def.confirmSession && accessToken && auth.confirm) {
            const confirmed = await auth.confirm(principal, accessToken);
            if (!confirmed.ok) refuse("auth.failed", new AppError("unauthorized", "Your session has ended; sign in again."), { ...where, reason: confirmed.reason });
          }
          const ctx = currentRequestContext();
          if (ctx && principal) ctx.userId = principal.userId;
        }

        const rule = typeof def.rateLimit === "function" ? def.rateLimit() : def.rateLimit;
        const subject = principal ? `user:${principal.userId}` : `ip:${clientIp}`;
        decision = await rateLimiter().consume(subject, rule);
        if (!decision.allowed) {
          const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
          refuse(
            "ratelimit.blocked",
            new AppError("rate_limit:exceeded", `Too many requests. Try again in ${seconds} s.`, { headers: { "Retry-After": String(seconds) } }),
            { ...where, rule: rule.name, subject: principal ? "user" : "ip" },
          );
        }

        response = await def.handler({
          request,
          requestId,
          params: params.data,
          query: query.data,
          body: body.data,
          principal: principal as RouteContext<P, Q, B, A>["principal"],
          accessToken: accessToken ?? null,
          clientIp,
        } as RouteContext<P, Q, B, A>);
      } catch (err) {
        if (!(err instanceof AppError)) log().error({ err, ...where }, "unhandled error in route handler");
        // Checks only the handler can make (a model id against the server's list, an image's magic
        // bytes, a base URL's resolved address) are refusals like the spine's own: one event each.
        else if (!refused.has(err) && HANDLER_REFUSALS.has(err.code)) {
          securityEvent(err.code === "payload_too_large" ? "body.too_large" : "validation.failed", { code: err.code, reason: err.message, ...where });
        }
        const mapped = errorBody(err, requestId);
        response = Response.json(mapped.body, { status: mapped.status, headers: mapped.headers });
      }
      finish(response, requestId, decision, https, config, def.securityHeaders ?? "app");
      // A refresh made on the way in goes out too, unless the handler wrote the session itself
      // (signing out must not have its deletion undone by the refresh before it).
      return writesSession(response) ? response : appendCookies(response, sessionCookies);
    });
  };

  Object.defineProperty(handler, SPINE, { value: true, enumerable: false });
  return handler as SpineHandler;
}

function finish(
  response: Response,
  requestId: string,
  decision: RateDecision | undefined,
  https: boolean,
  config: ReturnType<typeof env>,
  mode: "app" | "own",
): Response {
  // A handler that owns its policy still gets the app's headers on its errors.
  if (mode === "app" || !response.headers.has("content-security-policy")) {
    const headers = securityHeaders(createNonce(), cspSourcesFromEnv(config), { https, dev: config.NODE_ENV === "development" });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  }
  response.headers.set("x-request-id", requestId);
  if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
  if (decision) {
    response.headers.set("RateLimit-Limit", String(decision.limit));
    response.headers.set("RateLimit-Remaining", String(decision.remaining));
  }
  return response;
}

/** A JSON response; `init.status` defaults to 200. */
export function json(data: unknown, init: ResponseInit = {}): Response {
  return Response.json(data, init);
}
