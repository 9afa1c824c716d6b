import { expect, test } from "@playwright/test";
import { BASE_URL } from "../../playwright.config";
import { rawRequest, type RawResponse } from "./support/raw-http";
import { logLinesFor } from "./support/server-log";

/*
 * DNS rebinding against the built app (issue 10, finding 2). The attacker's page at
 * rebind.attacker.test:<port> has had its name re-pointed at 127.0.0.1, so the browser's requests
 * reach this server with that Host and, on a POST, the matching Origin. Every one is refused before
 * anything runs; the server's own loopback names work as before.
 */

const PORT = new URL(BASE_URL).port;
const REBIND = `rebind.attacker.test:${PORT}`;
const JSON_HEADERS = { "content-type": "application/json" };

async function expectMisdirected(res: RawResponse, kind: "json" | "text") {
  expect(res.status).toBe(421);
  const requestId = String(res.headers["x-request-id"]);
  if (kind === "json") {
    expect(res.headers["content-type"]).toBe("application/json");
    const error = (JSON.parse(res.body) as { error: { code: string; message: string; requestId: string } }).error;
    expect(error).toEqual({ code: "misdirected:host", message: expect.stringContaining("set APP_URL or ALLOWED_HOSTS"), requestId });
  } else {
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.body).toContain(`This server answers only to 127.0.0.1:${PORT}, localhost:${PORT}, [::1]:${PORT}.`);
  }
  // The refusal still carries the app's security headers.
  expect(res.headers["x-frame-options"]).toBe("DENY");
  const events = (await logLinesFor(requestId)).filter((l) => l.security === true);
  expect(events, `one security event for ${requestId}`).toHaveLength(1);
  expect(events[0]).toMatchObject({ event: "host.blocked", host: REBIND, requestId });
}

test.describe("the Host allowlist over HTTP", () => {
  test("a foreign Host is refused on a page, an API GET and an API POST with a matching Origin (DNS rebinding)", async ({ request }) => {
    await expectMisdirected(await rawRequest(BASE_URL, { path: "/", headers: { host: REBIND } }), "text");
    await expectMisdirected(await rawRequest(BASE_URL, { path: "/api/projects", headers: { host: REBIND } }), "json");
    const post = await rawRequest(BASE_URL, {
      method: "POST",
      path: "/api/projects",
      headers: { host: REBIND, origin: `http://${REBIND}`, ...JSON_HEADERS },
      body: JSON.stringify({ id: "rebound", title: "Made through a rebound name" }),
    });
    await expectMisdirected(post, "json");
    // Nothing was made.
    expect((await request.get("/api/projects/rebound")).status()).toBe(404);
  });

  test("the refusal covers previews, static files and Next's own 404s too", async () => {
    await expectMisdirected(await rawRequest(BASE_URL, { path: `/preview/${"a".repeat(43)}/`, headers: { host: REBIND } }), "text");
    await expectMisdirected(await rawRequest(BASE_URL, { path: "/favicon.ico", headers: { host: REBIND } }), "text");
    await expectMisdirected(await rawRequest(BASE_URL, { path: "/_next/static/nothing.js", headers: { host: REBIND } }), "text");
    await expectMisdirected(await rawRequest(BASE_URL, { path: "/api/nothing-here", headers: { host: REBIND } }), "json");
  });

  test("loopback names on the served port work, for pages, reads and writes", async () => {
    for (const name of ["127.0.0.1", "localhost", "[::1]"]) {
      const host = `${name}:${PORT}`;
      expect((await rawRequest(BASE_URL, { path: "/", headers: { host } })).status, host).toBe(200);
      expect((await rawRequest(BASE_URL, { path: "/api/health", headers: { host } })).status, host).toBe(200);
      const write = await rawRequest(BASE_URL, {
        method: "POST",
        path: "/api/preferences",
        headers: { host, origin: `http://${host}`, ...JSON_HEADERS },
        body: JSON.stringify({ theme: "dark", codeFontSize: 14 }),
      });
      expect(write.status, host).toBe(200);
    }
  });

  test("a loopback name on another port, and a name dressed as loopback, are refused", async () => {
    for (const host of [`localhost:${Number(PORT) + 1}`, "localhost", `localhost.:${PORT}`, `127.0.0.1.nip.io:${PORT}`, `localhost.attacker.test:${PORT}`]) {
      expect((await rawRequest(BASE_URL, { path: "/api/health", headers: { host } })).status, host).toBe(421);
    }
  });

  test("a POST from the app's own loopback origin is not enough when it comes under another Host's name", async () => {
    // The Origin is fine, the Host is not: the Host decides first.
    const res = await rawRequest(BASE_URL, {
      method: "POST",
      path: "/api/preferences",
      headers: { host: REBIND, origin: BASE_URL, ...JSON_HEADERS },
      body: JSON.stringify({ theme: "dark", codeFontSize: 14 }),
    });
    expect(res.status).toBe(421);
  });
});
