import http from "node:http";
import { expect, test, type APIResponse } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";
import { logLinesFor, serverLog } from "./support/server-log";

// A secret-shaped credential sent with every refused request: it must never reach the log.
const PLANTED = ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiJhdHRhY2tlciJ9", "cGxhbnRlZC1zaWduYXR1cmU"].join(".");
const ORIGIN = BASE_URL;

async function expectRefusal(res: APIResponse, status: number, code: string, event: string) {
  expect(res.status()).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  const requestId = res.headers()["x-request-id"]!;
  expect(body.error.requestId).toBe(requestId);
  const lines = await logLinesFor(requestId);
  const events = lines.filter((l) => l.security === true);
  expect(events, `one security event for ${requestId}`).toHaveLength(1);
  expect(events[0]).toMatchObject({ event, requestId });
  expect(JSON.stringify(lines)).not.toContain(PLANTED);
  return body.error as { code: string; message: string; fields?: { path: string; message: string }[] };
}

const headers = (extra: Record<string, string> = {}) => ({
  "content-type": "application/json",
  authorization: `Bearer ${PLANTED}`,
  cookie: `sb-access-token=${PLANTED}`,
  ...extra,
});

test.describe("the spine over HTTP", () => {
  test("cross-origin POST → 403 forbidden:csrf", async ({ request }) => {
    const res = await request.post("/api/preferences", { headers: headers({ origin: "https://attacker.example" }), data: { theme: "dark", codeFontSize: 14 } });
    await expectRefusal(res, 403, "forbidden:csrf", "csrf.blocked");
  });

  test("Origin: null POST → 403", async ({ request }) => {
    const res = await request.post("/api/preferences", { headers: headers({ origin: "null" }), data: { theme: "dark", codeFontSize: 14 } });
    await expectRefusal(res, 403, "forbidden:csrf", "csrf.blocked");
  });

  test("malformed JSON → 400 with a message", async ({ request }) => {
    const res = await request.post("/api/preferences", { headers: headers({ origin: ORIGIN }), data: Buffer.from('{"theme": "dark",') });
    const error = await expectRefusal(res, 400, "bad_request:json", "validation.failed");
    expect(error.message).toMatch(/not valid JSON/);
  });

  test("missing fields → 400 listing each field path", async ({ request }) => {
    const res = await request.post("/api/preferences", { headers: headers({ origin: ORIGIN }), data: {} });
    const error = await expectRefusal(res, 400, "bad_request:validation", "validation.failed");
    expect(error.fields!.map((f) => f.path).sort()).toEqual(["body.codeFontSize", "body.theme"]);
    expect(error.message).toContain("body.theme");
  });

  test("wrong types in query → 400", async ({ request }) => {
    const res = await request.get("/api/health?timeoutMs=soon", { headers: headers() });
    const error = await expectRefusal(res, 400, "bad_request:validation", "validation.failed");
    expect(error.fields!.map((f) => f.path)).toEqual(["query.timeoutMs"]);
  });

  test("wrong value in params → 400", async ({ request }) => {
    const res = await request.get("/api/health/mainframe", { headers: headers() });
    const error = await expectRefusal(res, 400, "bad_request:validation", "validation.failed");
    expect(error.fields!.map((f) => f.path)).toEqual(["params.component"]);
  });

  test("a valid request passes the spine", async ({ request }) => {
    const res = await request.post("/api/preferences", { headers: { origin: ORIGIN, "content-type": "application/json" }, data: { theme: "light", codeFontSize: 15 } });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ preferences: { theme: "light", codeFontSize: 15 } });
    expect(res.headers()["set-cookie"]).toContain("HttpOnly");
  });

  for (const mode of ["content-length", "chunked"] as const) {
    test(`2 MiB body (${mode}) to a 1 MiB route → 413 before the body is all sent`, async () => {
      const total = 2 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const result = await new Promise<{ status: number; sent: number; body: string; requestId: string }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = http.request(`${BASE_URL}/api/preferences`, {
          method: "POST",
          headers: {
            origin: ORIGIN,
            "content-type": "application/json",
            authorization: `Bearer ${PLANTED}`,
            ...(mode === "content-length" ? { "content-length": String(total) } : { "transfer-encoding": "chunked" }),
          },
        });
        req.on("response", (res) => {
          answered = true;
          const sentAtResponse = sent;
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, sent: sentAtResponse, body, requestId: String(res.headers["x-request-id"]) }));
        });
        req.on("error", (err) => {
          if (!answered) reject(err);
        });
        // Paced writes, so the server reads as we send and kernel buffers do not hide how much it took.
        const pump = () => {
          if (answered || sent >= total) return;
          req.write(chunk, () => {
            sent += chunk.length;
            setTimeout(pump, 15);
          });
        };
        pump();
      });
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body).error.code).toBe("payload_too_large");
      expect(result.sent, "the server answered before the whole body was sent").toBeLessThan(total);
      const events = (await logLinesFor(result.requestId)).filter((l) => l.security === true);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ event: "body.too_large" });
    });
  }

  test("no planted secret anywhere in the server log", async () => {
    expect(serverLog()).not.toContain(PLANTED);
  });
});
