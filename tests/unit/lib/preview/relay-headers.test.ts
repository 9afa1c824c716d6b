import type http from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { previewHeaders } from "@/lib/preview/serve";
import { APP, closeUpstreams, get, httpUpstream, long, PREFIX, relay } from "./upstreams";

/**
 * What crosses the relay, each way, against a real server on a unix socket: an allowlist, so
 * everything a server could send that acts on the app's origin stays out. In real Chromium:
 * tests/integration/preview/relay-chromium.test.ts.
 */

afterAll(closeUpstreams);

describe("relay: response headers pass by allowlist", () => {
  const HOSTILE: Record<string, string> = {
    "clear-site-data": '"*"',
    refresh: "0; url=https://evil.example/",
    nel: '{"report_to":"x","max_age":86400}',
    "report-to": '{"group":"x","max_age":86400,"endpoints":[{"url":"https://evil.example/r"}]}',
    "reporting-endpoints": 'x="https://evil.example/r"',
    "alt-svc": 'h3=":443"; ma=86400',
    "set-cookie": "session=planted; Path=/",
    link: "</evil.js>; rel=preload; as=script",
    "service-worker-allowed": "/",
    "origin-agent-cluster": "?0",
    "permissions-policy": "camera=*",
    "access-control-allow-origin": "https://evil.example",
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "*",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "www-authenticate": 'Basic realm="Sign in to Tessera"',
    "content-security-policy": "default-src *",
    "x-frame-options": "ALLOWALL",
    "cross-origin-opener-policy": "unsafe-none",
    "cross-origin-embedder-policy": "require-corp",
    "cache-control": "public, max-age=31536000",
    "x-powered-by": "hostile",
    "timing-allow-origin": "*",
    "supports-loading-mode": "credentialed-prerender",
    "speculation-rules": '"/rules.json"',
    "accept-ch": "Sec-CH-UA-Full-Version-List",
  };

  it("Clear-Site-Data, Set-Cookie, Refresh, NEL, Report-To, Alt-Svc, Link, Access-Control-* and the rest never reach the browser", async () => {
    const socket = await httpUpstream((_req, res) => {
      for (const [name, value] of Object.entries(HOSTILE)) res.setHeader(name, value);
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.setHeader("content-language", "en");
      res.setHeader("etag", '"v1"');
      res.setHeader("last-modified", "Tue, 01 Dec 2026 00:00:00 GMT");
      res.end("<h1>hi</h1>");
    });
    const res = await relay(socket);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<h1>hi</h1>");
    // Each is absent, or is the preview's own value that the app sets whatever the server says.
    const ours = new Headers(previewHeaders(APP));
    for (const name of Object.keys(HOSTILE)) expect(res.headers.get(name), name).toBe(ours.get(name));
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox allow-scripts/);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-language")).toBe("en");
    expect(res.headers.get("etag")).toBe('"v1"');
    expect(res.headers.get("last-modified")).toBe("Tue, 01 Dec 2026 00:00:00 GMT");
  });

  it("keeps a redirect only when it stays on the preview's path", async () => {
    const socket = await httpUpstream((req, res) => {
      const to = new URL(req.url!, "http://x").searchParams.get("to")!;
      res.writeHead(302, { location: to });
      res.end();
    });
    const location = async (to: string) => (await relay(socket, get(`dir/page?to=${encodeURIComponent(to)}`), long, "dir/page")).headers.get("location");
    expect(await location("/login")).toBe(`${PREFIX}login`);
    expect(await location("next?x=1")).toBe(`${PREFIX}dir/next?x=1`);
    expect(await location("http://localhost:8000/a/b")).toBe(`${PREFIX}a/b`);
    expect(await location("http://127.0.0.1/../../api/projects")).toBe(`${PREFIX}api/projects`);
    for (const away of ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http://user:pw@localhost/x", "http://10.0.0.1/"]) {
      expect(await location(away), away).toBeNull();
    }
  });

  it("passes Content-Disposition only as inline or attachment with a plain file name", async () => {
    const socket = await httpUpstream((req, res) => {
      res.setHeader("content-disposition", decodeURIComponent(new URL(req.url!, "http://x").search.slice(1)));
      res.end("x");
    });
    const disposition = async (value: string) => (await relay(socket, get(`f?${encodeURIComponent(value)}`), long, "f")).headers.get("content-disposition");
    expect(await disposition('attachment; filename="report.csv"')).toBe('attachment; filename="report.csv"');
    expect(await disposition('attachment; filename="../../.bashrc"')).toBe('attachment; filename="bashrc"');
    expect(await disposition("inline")).toBe("inline");
    expect(await disposition('attachment; filename="a\\"; b.html"')).toBe('attachment; filename="a__ b.html"');
    expect(await disposition("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf")).toBe("attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
    expect(await disposition("form-data; name=x")).toBeNull();
  });
});

describe("relay: request headers pass by allowlist", () => {
  it("the sandbox's server never sees cookies, credentials, the capability URL or forwarded addresses", async () => {
    let seen: http.IncomingHttpHeaders = {};
    const socket = await httpUpstream((req, res) => {
      seen = req.headers;
      res.end("ok");
    });
    const res = await relay(
      socket,
      get("", {
        cookie: "session=app-secret",
        authorization: "Bearer app-token",
        "proxy-authorization": "Basic eA==",
        referer: `${APP}${PREFIX}`,
        origin: APP,
        "x-forwarded-for": "10.0.0.1",
        "x-real-ip": "10.0.0.1",
        "x-request-id": "req-1",
        "sec-fetch-site": "same-origin",
        "accept-encoding": "gzip, br",
        accept: "text/html",
        "accept-language": "de",
        "if-none-match": '"v1"',
        range: "bytes=0-9",
      }),
    );
    await res.text();
    expect(Object.keys(seen).sort()).toEqual(["accept", "accept-encoding", "accept-language", "connection", "host", "if-none-match", "range"]);
    expect(seen.host).toBe("localhost");
    expect(seen["accept-encoding"]).toBe("identity");
    expect(JSON.stringify(seen)).not.toMatch(/app-secret|app-token|TOKEN|10\.0\.0\.1/);
  });
});
