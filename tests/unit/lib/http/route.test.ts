import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/route";
import { captureLogs } from "../../../support/logs";

const ORIGIN = "http://127.0.0.1:3000";
const noParams = { params: Promise.resolve({}) };
let ruleCounter = 0;

function makeRoute(overrides: Partial<Parameters<typeof route>[0]> = {}) {
  return route({
    body: z.strictObject({ name: z.string().min(1), count: z.number().int() }),
    query: z.strictObject({ page: z.coerce.number().int().min(1).optional() }),
    rateLimit: { name: `test-${++ruleCounter}`, limit: 3, windowMs: 60_000 },
    handler: ({ body, principal }) => json({ ok: true, body, user: principal?.userId }),
    ...overrides,
  } as Parameters<typeof route>[0]);
}

function post(body: BodyInit | null, headers: Record<string, string> = {}, path = "/api/x") {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "127.0.0.1:3000", origin: ORIGIN, "content-type": "application/json", ...headers },
    body,
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; requestId: string; fields?: { path: string }[] } }).error;
}

describe("route() spine", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });

  function securityEvents() {
    return logs.lines.filter((l) => l.security === true);
  }

  it("runs the handler with typed, validated input and the local principal", async () => {
    const res = await makeRoute()(post(JSON.stringify({ name: "a", count: 2 })), noParams);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, body: { name: "a", count: 2 }, user: expect.any(String) });
    expect(res.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(securityEvents()).toHaveLength(0);
  });

  it("refuses a cross-origin POST, an Origin: null POST and a cross-site fetch without Origin", async () => {
    const handler = makeRoute();
    for (const headers of [{ origin: "https://evil.example" }, { origin: "null" }]) {
      const res = await handler(post(JSON.stringify({ name: "a", count: 1 }), headers), noParams);
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("forbidden:csrf");
    }
    const noOrigin = new Request(`${ORIGIN}/api/x`, {
      method: "POST",
      headers: { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: "{}",
    });
    expect((await handler(noOrigin, noParams)).status).toBe(403);
    expect(securityEvents().map((e) => e.event)).toEqual(["csrf.blocked", "csrf.blocked", "csrf.blocked"]);
  });

  describe("Host and Origin come from configuration only", () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      resetEnvForTests();
    });
    const configure = (vars: Record<string, string>) => {
      for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
      resetEnvForTests();
    };

    it("refuses a Host it does not answer to with 421 before anything else, the rebinding case included", async () => {
      let ran = false;
      const handler = makeRoute({ handler: () => ((ran = true), json({})) });
      const rebinding = post(JSON.stringify({ name: "a", count: 1 }), { host: "rebind.attacker.test:3000", origin: "http://rebind.attacker.test:3000" });
      const res = await handler(rebinding, noParams);
      expect(res.status).toBe(421);
      const error = await errorOf(res);
      expect(error.code).toBe("misdirected:host");
      expect(error.message).toContain("set APP_URL or ALLOWED_HOSTS");
      const get = makeRoute({ body: undefined, auth: "none" });
      expect((await get(new Request(`${ORIGIN}/api/x`, { headers: { host: "rebind.attacker.test:3000" } }), noParams)).status).toBe(421);
      expect(ran).toBe(false);
      expect(securityEvents().map((e) => e.event)).toEqual(["host.blocked", "host.blocked"]);
      expect(securityEvents()[0]).toMatchObject({ host: "rebind.attacker.test:3000" });
    });

    it("refuses a POST whose Origin is its own Host when that origin is not configured", async () => {
      configure({ ALLOWED_HOSTS: "alias.test:3000" });
      const own = () => post(JSON.stringify({ name: "a", count: 1 }), { host: "alias.test:3000", origin: "http://alias.test:3000" });
      const res = await makeRoute()(own(), noParams);
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("forbidden:csrf");
      expect(securityEvents().map((e) => e.event)).toEqual(["csrf.blocked"]);
      // Named as the app's own origin, the same request is the app's.
      configure({ ALLOWED_HOSTS: "", APP_URL: "http://alias.test:3000" });
      expect((await makeRoute()(own(), noParams)).status).toBe(200);
    });

    it("accepts the loopback origins of the served port (over a TLS-terminating proxy too), and no other port's", async () => {
      const handler = makeRoute({ rateLimit: { name: `test-origins-${++ruleCounter}`, limit: 100, windowMs: 60_000 } });
      for (const origin of ["http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000", "https://127.0.0.1:3000", "https://localhost:3000"]) {
        expect((await handler(post(JSON.stringify({ name: "a", count: 1 }), { origin }), noParams)).status, origin).toBe(200);
      }
      for (const origin of ["http://localhost:3001", "https://localhost:3001", "http://localhost", "https://localhost"]) {
        expect((await handler(post(JSON.stringify({ name: "a", count: 1 }), { origin }), noParams)).status, origin).toBe(403);
      }
    });
  });

  it("cuts an oversized chunked body off at the cap instead of reading it all", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let pulled = 0;
    const total = 2 * 1024 * 1024;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(`${ORIGIN}/api/x`, {
      method: "POST",
      headers: { host: "127.0.0.1:3000", origin: ORIGIN, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const res = await makeRoute()(request, noParams);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
    expect(pulled).toBeLessThan(total);
    expect(pulled).toBeLessThanOrEqual(1024 * 1024 + 2 * chunk.byteLength);
    expect(securityEvents().map((e) => e.event)).toEqual(["body.too_large"]);
  });

  it("refuses a declared Content-Length over the cap before reading", async () => {
    const res = await makeRoute({ maxBodyBytes: 10 })(post(JSON.stringify({ name: "abcdefghijkl", count: 1 })), noParams);
    expect(res.status).toBe(413);
  });

  it("answers malformed JSON with a 400 that says so", async () => {
    const res = await makeRoute()(post('{"name": "a", '), noParams);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("bad_request:json");
    expect(error.message).toMatch(/not valid JSON/);
  });

  it("lists every missing or wrong field with its path, across body, query and params", async () => {
    const handler = makeRoute({ params: z.strictObject({ id: z.uuid() }) });
    const res = await handler(post(JSON.stringify({ count: "x" }), {}, "/api/x?page=zero"), { params: Promise.resolve({ id: "nope" }) });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("bad_request:validation");
    expect(error.fields!.map((f) => f.path).sort()).toEqual(["body.count", "body.name", "params.id", "query.page"]);
    expect(securityEvents()).toHaveLength(1);
    expect(securityEvents()[0]).toMatchObject({ event: "validation.failed", requestId: error.requestId });
  });

  it("refuses a non-JSON content type", async () => {
    const res = await makeRoute()(post("name=a", { "content-type": "application/x-www-form-urlencoded" }), noParams);
    expect(res.status).toBe(415);
  });

  it("rate-limits with 429, Retry-After and one event per refusal", async () => {
    const handler = makeRoute();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await handler(post(JSON.stringify({ name: "a", count: 1 })), noParams);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await errorOf(last!)).code).toBe("rate_limit:exceeded");
    expect(securityEvents().map((e) => e.event)).toEqual(["ratelimit.blocked", "ratelimit.blocked"]);
  });

  it("refuses unauthenticated callers on auth-required routes", async () => {
    const { authenticator } = await import("@/lib/auth");
    const auth = authenticator();
    const original = auth.authenticate;
    auth.authenticate = async () => ({ principal: null, reason: "missing" });
    try {
      const res = await makeRoute()(post(JSON.stringify({ name: "a", count: 1 }), { authorization: "Bearer forged.token.value" }), noParams);
      expect(res.status).toBe(401);
      expect(securityEvents().map((e) => e.event)).toEqual(["auth.failed"]);
      expect(logs.raw.join("\n")).not.toContain("forged.token.value");
    } finally {
      auth.authenticate = original;
    }
  });

  it("turns an unexpected failure into a generic 500 and logs the detail server-side", async () => {
    const handler = makeRoute({
      handler: () => {
        throw new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2 at /srv/lib/db.ts");
      },
    });
    const res = await handler(post(JSON.stringify({ name: "a", count: 1 })), noParams);
    expect(res.status).toBe(500);
    const text = JSON.stringify(await res.json());
    for (const leak of ["ECONNREFUSED", "10.0.0.5", "hunter2", "/srv/"]) expect(text).not.toContain(leak);
    const logged = logs.lines.find((l) => l.msg === "unhandled error in route handler");
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain("ECONNREFUSED");
  });

  it("passes typed errors through with their status", async () => {
    const res = await makeRoute({
      handler: () => {
        throw new AppError("not_found", "No such project.");
      },
    })(post(JSON.stringify({ name: "a", count: 1 })), noParams);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toBe("No such project.");
  });

  it("keeps a valid incoming request id and replaces a malformed one", async () => {
    const handler = makeRoute({ body: undefined, auth: "none" });
    const get = (id: string) => new Request(`${ORIGIN}/api/x`, { headers: { "x-request-id": id } });
    expect((await handler(get("client-id-1234"), noParams)).headers.get("x-request-id")).toBe("client-id-1234");
    const replaced = (await handler(get("bad id; forged=1 <script>"), noParams)).headers.get("x-request-id");
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});
