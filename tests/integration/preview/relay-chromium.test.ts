import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pipeToNodeResponse } from "next/dist/server/pipe-readable";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { respondPreview } from "@/lib/preview/relay";
import { PreviewStore } from "@/lib/preview/store";

/**
 * A server-style preview in real Chromium, served from the app's own origin as the app serves it,
 * whose server (on a unix socket, as a sandbox's port relay is) answers with every header that acts
 * on a whole origin. The page standing in for the app keeps a cookie and local storage; after the
 * preview has loaded in its frame, both must still be there.
 */

const CHROMIUM = "/usr/bin/chromium";

const HOSTILE_PAGE: Record<string, string> = {
  "clear-site-data": '"*"',
  "set-cookie": "planted=1; Path=/",
  refresh: "1; url=/planted-refresh",
  link: "</planted-preload.js>; rel=preload; as=script",
  nel: '{"report_to":"planted","max_age":86400,"include_subdomains":true}',
  "report-to": '{"group":"planted","max_age":86400,"endpoints":[{"url":"/planted-report"}]}',
  "reporting-endpoints": 'planted="/planted-report"',
  "service-worker-allowed": "/",
};

describe.skipIf(!existsSync(CHROMIUM))("server-style preview headers in Chromium", () => {
  let dir: string;
  let upstream: http.Server;
  let app: http.Server;
  let origin = "";
  let token = "";
  let browser: Browser;
  const appPaths: string[] = [];
  const store = new PreviewStore();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tessera-relay-chromium-"));
    const socketPath = path.join(dir, "port-8000.sock");
    upstream = http.createServer((_req, res) => {
      for (const [name, value] of Object.entries(HOSTILE_PAGE)) res.setHeader(name, value);
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end("<!doctype html><title>preview</title><h1>Hello from the sandbox's server</h1>");
    });
    await new Promise<void>((r) => upstream.listen(socketPath, r));
    token = store.publishServer({ id: "sbx_chromium", ownerId: "alice", projectId: "p" }, socketPath).token;

    app = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", origin);
      appPaths.push(url.pathname);
      if (url.pathname === "/") {
        res.setHeader("set-cookie", "session=app-session; Path=/; SameSite=Lax");
        res.setHeader("content-type", "text/html");
        res.end(`<!doctype html><title>App</title><script>localStorage.setItem("app-secret", "kept")</script>`);
        return;
      }
      if (url.pathname === "/check") {
        // Sets nothing: what it sees is what survived.
        res.setHeader("content-type", "text/html");
        res.end("<!doctype html><title>Check</title>");
        return;
      }
      if (url.pathname === "/builder") {
        res.setHeader("content-type", "text/html");
        res.end(`<!doctype html><title>Builder</title><iframe id="preview" sandbox="allow-scripts allow-forms" src="/preview/${token}/"></iframe>`);
        return;
      }
      const match = /^\/preview\/([A-Za-z0-9_-]{43})\/(.*)$/.exec(url.pathname);
      if (match) {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        void respondPreview(store, match[1]!, match[2]!, new Request(url, { headers }), origin).then((response) => {
          res.statusCode = response.status;
          response.headers.forEach((value, name) => res.setHeader(name, value));
          if (response.body) void pipeToNodeResponse(response.body, res);
          else res.end();
        });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    app?.close();
    upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a preview answering Clear-Site-Data leaves the app's cookie and local storage alone", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin + "/");
    expect(await page.evaluate(() => [document.cookie, localStorage.getItem("app-secret")])).toEqual(["session=app-session", "kept"]);

    await page.goto(origin + "/builder");
    await expect.poll(() => page.frameLocator("#preview").locator("h1").textContent(), { timeout: 15_000 }).toBe("Hello from the sandbox's server");
    // Longer than the planted Refresh's delay, so a refresh that got through would have fired.
    await page.waitForTimeout(1_500);

    await page.goto(origin + "/check");
    const cookies = await context.cookies(origin);
    expect(cookies.map((c) => `${c.name}=${c.value}`)).toEqual(["session=app-session"]);
    expect(await page.evaluate(() => localStorage.getItem("app-secret"))).toBe("kept");
    expect(appPaths).not.toContain("/planted-refresh");
    expect(appPaths).not.toContain("/planted-preload.js");
    await context.close();
  });
});
