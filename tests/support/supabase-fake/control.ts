import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, isRecord, readJson } from "./http";
import type { FakeSettings } from "./state";

/**
 * The `/__fake/*` control API, for tests in another process than the fake (Playwright specs):
 *   GET  /__fake/health                                   → { ok: true }
 *   GET  /__fake/emails[?to=address]                      → OutboxEmail[] (oldest first)
 *   POST /__fake/users    { email, password, confirmed?, userMetadata? } → 201 { id, email }
 *   POST /__fake/sign-in  { email, password }             → the password grant's session
 *   POST /__fake/mint     { claims, expiresInSeconds?, header? } → { token }
 *   GET  /__fake/keys                                     → { privateJwk, publicJwk, kid, anonKey, issuer }
 *   GET  /__fake/settings                                 → FakeSettings
 *   POST /__fake/settings { autoconfirm?, external?: { github?, google? }, disableSignup?, … } → FakeSettings
 *   GET  /__fake/requests                                 → RecordedRequest[]
 *   POST /__fake/reset                                    → 204 (users, sessions, emails, requests; not settings or keys)
 * Unauthenticated: it is a loopback test fixture.
 */

export interface ControlTarget {
  emails(): unknown[];
  createUser(email: string, password: string, opts: { confirmed?: boolean; userMetadata?: Record<string, unknown> }): Promise<{ id: string; email: string }>;
  signIn(email: string, password: string): Promise<unknown>;
  mint(claims: Record<string, unknown>, opts: { expiresInSeconds?: number; header?: Record<string, unknown> }): Promise<string>;
  keys(): Record<string, unknown>;
  settings: FakeSettings;
  requests(): unknown[];
  reset(): void;
}

const send = (res: ServerResponse, status: number, body?: unknown) => {
  if (body === undefined) {
    res.writeHead(status);
    return void res.end();
  }
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

/** Applies a partial settings object, ignoring unknown keys and values of the wrong type. */
export function applySettings(settings: FakeSettings, patch: Record<string, unknown>): void {
  for (const key of ["autoconfirm", "disableSignup"] as const) if (typeof patch[key] === "boolean") settings[key] = patch[key];
  for (const key of ["refreshTokenReuseIntervalSeconds", "emailOtpExpirySeconds"] as const) if (typeof patch[key] === "number") settings[key] = patch[key];
  if (typeof patch.siteUrl === "string") settings.siteUrl = patch.siteUrl;
  if (isRecord(patch.external)) {
    for (const key of ["github", "google"] as const) if (typeof patch.external[key] === "boolean") settings.external[key] = patch.external[key];
  }
}

export async function handleControl(target: ControlTarget, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = req.method === "POST" ? await readJson(req).catch(() => null) : {};
  if (body === null) return send(res, 400, { error: "body must be a JSON object" });
  try {
    switch (`${req.method} ${url.pathname}`) {
      case "GET /__fake/health":
        return send(res, 200, { ok: true });
      case "GET /__fake/emails": {
        const to = url.searchParams.get("to")?.toLowerCase();
        const all = target.emails() as { to: string }[];
        return send(res, 200, to ? all.filter((e) => e.to.toLowerCase() === to) : all);
      }
      case "POST /__fake/users": {
        if (typeof body.email !== "string" || typeof body.password !== "string") return send(res, 400, { error: "email and password are required strings" });
        const confirmed = typeof body.confirmed === "boolean" ? body.confirmed : undefined;
        const userMetadata = isRecord(body.userMetadata) ? body.userMetadata : undefined;
        return send(res, 201, await target.createUser(body.email, body.password, { confirmed, userMetadata }));
      }
      case "POST /__fake/sign-in":
        return send(res, 200, await target.signIn(String(body.email ?? ""), String(body.password ?? "")));
      case "POST /__fake/mint": {
        const claims = isRecord(body.claims) ? body.claims : {};
        const expiresInSeconds = typeof body.expiresInSeconds === "number" ? body.expiresInSeconds : undefined;
        const header = isRecord(body.header) ? body.header : undefined;
        return send(res, 200, { token: await target.mint(claims, { expiresInSeconds, header }) });
      }
      case "GET /__fake/keys":
        return send(res, 200, target.keys());
      case "GET /__fake/settings":
        return send(res, 200, target.settings);
      case "POST /__fake/settings":
        applySettings(target.settings, body);
        return send(res, 200, target.settings);
      case "GET /__fake/requests":
        return send(res, 200, target.requests());
      case "POST /__fake/reset":
        target.reset();
        return send(res, 204);
      default:
        return send(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
    }
  } catch (err) {
    if (err instanceof ApiError) return send(res, err.status, { error: err.code, message: err.message });
    return send(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}
