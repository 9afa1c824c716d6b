import { existsSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servePreview } from "@/lib/preview/serve";
import { PreviewStore } from "@/lib/preview/store";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import { buildInSandbox, readTemplateManifest } from "@/lib/sandbox/templates";
import type { Sandbox } from "@/lib/sandbox/types";
import { hasBwrap, sandboxTempDir } from "../../support/sandbox";

/**
 * A React fragment built in the real sandbox and shown in real Chromium at its capability URL,
 * inside a page standing in for the app: it sets a session cookie and local storage and exposes a
 * cookie-authenticated endpoint, which the preview's script then tries to reach.
 */

const ROOT = path.resolve(import.meta.dirname, "../../..");
const CHROMIUM = "/usr/bin/chromium";
const ready = hasBwrap && existsSync(CHROMIUM) && existsSync(path.join(ROOT, "templates/react/node_modules/esbuild"));
if (!ready) console.warn("bwrap, Chromium or the React template's packages are missing: the preview suite is skipped (npm test installs them).");

const APP = `
import { useEffect, useState } from "react";
import "./styles.css";

export default function App() {
  const [count, setCount] = useState(0);
  const [probe, setProbe] = useState<string[]>([]);
  useEffect(() => {
    const found: string[] = [];
    try { found.push("cookie:" + document.cookie); } catch (e) { found.push("cookie-blocked"); }
    try { found.push("storage:" + String(window.localStorage.getItem("app-secret"))); } catch (e) { found.push("storage-blocked"); }
    try { found.push("parent:" + String((window.parent as any).document.title)); } catch (e) { found.push("parent-blocked"); }
    fetch("/api/me", { credentials: "include" })
      .then((r) => r.text())
      .then((t) => setProbe([...found, "api:" + t]))
      .catch(() => setProbe([...found, "api-blocked"]));
  }, []);
  return (
    <main>
      <h1 className="title">Hello from the sandbox</h1>
      <button onClick={() => setCount((c) => c + 1)}>clicked {count}</button>
      <pre id="probe">{probe.join("|")}</pre>
    </main>
  );
}
`;

describe.skipIf(!ready)("React template: build in the sandbox, preview at a capability URL", () => {
  let dir: string;
  let provider: LocalSandboxProvider;
  let sandbox: Sandbox;
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  const store = new PreviewStore();
  let token = "";
  const apiCalls: { cookie?: string; origin?: string }[] = [];

  beforeAll(async () => {
    dir = sandboxTempDir("tessera-preview-");
    provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates") });
    sandbox = await provider.create({ template: "react", ownerId: "alice", projectId: "p1" });
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", origin);
      if (url.pathname === "/") {
        res.setHeader("set-cookie", "session=app-session-secret; Path=/; SameSite=Lax");
        res.setHeader("content-type", "text/html");
        res.end(
          `<!doctype html><title>App</title><script>localStorage.setItem("app-secret","storage-secret")</script>` +
            `<iframe id="preview" sandbox="allow-scripts allow-forms" src="/preview/${token}/" width="600" height="300"></iframe>`,
        );
        return;
      }
      if (url.pathname === "/api/me") {
        apiCalls.push({ cookie: req.headers.cookie, origin: req.headers.origin });
        res.end(req.headers.cookie ?? "no-cookie");
        return;
      }
      const match = /^\/preview\/([A-Za-z0-9_-]+)\/(.*)$/.exec(url.pathname);
      if (match) {
        const response = servePreview(store, match[1]!, match[2]!, origin);
        res.statusCode = response.status;
        response.headers.forEach((v, k) => res.setHeader(k, v));
        void response.arrayBuffer().then((b) => res.end(Buffer.from(b)));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await provider?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds the fragment inside the sandbox", async () => {
    await sandbox.files.write("src/App.tsx", APP);
    await sandbox.files.write("src/styles.css", ".title { color: rgb(200, 30, 30); }\n");
    const result = await buildInSandbox(sandbox, readTemplateManifest(path.join(ROOT, "templates"), "react"));
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const preview = await store.publish(sandbox, "dist");
    expect([...preview.files.keys()].sort()).toEqual(["app.css", "app.js", "index.html", "tailwind.css", "tessera-error-reporter.js"]);
    expect(preview.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    token = preview.token;
  });

  it("renders in Chromium at its capability URL, styled and interactive", async () => {
    const page = await browser.newPage();
    await page.goto(origin + "/");
    const frame = page.frameLocator("#preview");
    await expect.poll(() => frame.locator("h1").textContent(), { timeout: 10_000 }).toBe("Hello from the sandbox");
    expect(await frame.locator("h1").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(200, 30, 30)");
    await frame.locator("button").click();
    expect(await frame.locator("button").textContent()).toBe("clicked 1");
    await page.close();
  });

  it("the preview's script cannot read the app's cookies or storage, or call the app's API as the user", async () => {
    const page = await browser.newPage();
    await page.goto(origin + "/");
    const probe = await expect
      .poll(async () => (await page.frameLocator("#preview").locator("#probe").textContent()) ?? "", { timeout: 10_000 })
      .toContain("api-blocked")
      .then(() => page.frameLocator("#preview").locator("#probe").textContent());
    expect(probe).toContain("cookie-blocked");
    expect(probe).toContain("storage-blocked");
    expect(probe).toContain("parent-blocked");
    expect(probe).not.toContain("app-session-secret");
    expect(probe).not.toContain("storage-secret");
    expect(apiCalls).toEqual([]);
    await page.close();
  });

  it("a wrong token, a traversal path and a revoked preview are 404", async () => {
    const get = async (p: string) => (await fetch(origin + p)).status;
    expect(await get(`/preview/${token}/index.html`)).toBe(200);
    expect(await get(`/preview/${"A".repeat(43)}/index.html`)).toBe(404);
    expect(await get(`/preview/${token}/..%2F..%2Fetc%2Fpasswd`)).toBe(404);
    store.revokeSandbox(sandbox.info.id);
    expect(await get(`/preview/${token}/index.html`)).toBe(404);
  });

  it("reports build errors with file and line", async () => {
    await sandbox.files.write("src/App.tsx", "export default function App() { return <div>unclosed </span>; }\n");
    const result = await buildInSandbox(sandbox, readTemplateManifest(path.join(ROOT, "templates"), "react"));
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/src\/App\.tsx:1:\d+: /);
  });
});

describe.skipIf(!hasBwrap)("HTML template: the files are the site", () => {
  it("publishes the project's files as a static preview", async () => {
    const dir = sandboxTempDir("tessera-preview-html-");
    const provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates") });
    try {
      const sandbox = await provider.create({ template: "html", ownerId: "alice", projectId: "h" });
      await sandbox.files.write("index.html", '<!doctype html><link rel="stylesheet" href="css/site.css"><h1>Static</h1>');
      await sandbox.files.write("css/site.css", "h1 { color: teal }");
      const build = await buildInSandbox(sandbox, readTemplateManifest(path.join(ROOT, "templates"), "html"));
      expect(build.exitCode).toBe(0);
      const store = new PreviewStore();
      const preview = await store.publish(sandbox, "dist");
      expect([...preview.files.keys()].sort()).toEqual(["css/site.css", "index.html", "tessera-error-reporter.js"]);
      const css = servePreview(store, preview.token, "css/site.css", "http://127.0.0.1:3000");
      expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
      expect(await css.text()).toBe("h1 { color: teal }");
    } finally {
      await provider.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const VUE_APP = `<script setup lang="ts">
import { ref } from "vue";
const count = ref<number>(0);
</script>

<template>
  <h1 class="title">Hello from Vue</h1>
  <button @click="count++">clicked {{ count }}</button>
</template>

<style scoped>
.title { color: rgb(20, 120, 60); }
</style>
`;

describe.skipIf(!ready || !existsSync(path.join(ROOT, "templates/vue/node_modules/vue")))("Vue template: single-file components built in the sandbox", () => {
  it("compiles, bundles and renders in Chromium, scoped styles included", async () => {
    const dir = sandboxTempDir("tessera-preview-vue-");
    const provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates") });
    const store = new PreviewStore();
    const server = http.createServer((req, res) => {
      const match = /^\/preview\/([A-Za-z0-9_-]+)\/(.*)$/.exec(req.url ?? "");
      const response = match ? servePreview(store, match[1]!, match[2]!, "http://127.0.0.1") : new Response("", { status: 404 });
      res.statusCode = response.status;
      response.headers.forEach((v, k) => res.setHeader(k, v));
      void response.arrayBuffer().then((b) => res.end(Buffer.from(b)));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      const sandbox = await provider.create({ template: "vue", ownerId: "alice", projectId: "v" });
      await sandbox.files.write("src/App.vue", VUE_APP);
      const build = await buildInSandbox(sandbox, readTemplateManifest(path.join(ROOT, "templates"), "vue"));
      expect(build.stderr).toBe("");
      expect(build.exitCode).toBe(0);
      const preview = await store.publish(sandbox, "dist");
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/preview/${preview.token}/`);
      await expect.poll(() => page.locator("h1").textContent(), { timeout: 10_000 }).toBe("Hello from Vue");
      expect(await page.locator("h1").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(20, 120, 60)");
      await page.locator("button").click();
      expect(await page.locator("button").textContent()).toBe("clicked 1");
    } finally {
      await browser.close();
      server.close();
      await provider.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const ECHO_SERVER = `import http.server, json
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("set-cookie", "planted=1; Path=/")
        self.send_header("content-security-policy", "default-src *")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 8125), H).serve_forever()
`;

describe.skipIf(!hasBwrap)("server-style preview through the unix-socket relay", () => {
  it("reaches a server on the sandbox's loopback without giving it the app's credentials", async () => {
    const { respondPreview } = await import("@/lib/preview/relay");
    const dir = sandboxTempDir("tessera-preview-srv-");
    const store = new PreviewStore();
    const provider = new LocalSandboxProvider({
      rootDir: path.join(dir, "sandboxes"),
      templatesDir: path.join(ROOT, "templates"),
      previewUrl: async (info, _port, socket) => `/preview/${store.publishServer(info, socket).token}/`,
    });
    try {
      const sandbox = await provider.create({ template: "python", ownerId: "alice", projectId: "s" });
      await sandbox.files.write("server.py", ECHO_SERVER);
      await sandbox.commands.start(["/usr/bin/python3", "server.py"]);
      const url = await sandbox.preview(8125);
      const token = /^\/preview\/([A-Za-z0-9_-]{43})\/$/.exec(url)![1]!;
      let res: Response | undefined;
      for (let i = 0; i < 50; i++) {
        res = await respondPreview(store, token, "hello", new Request(`http://127.0.0.1:3000/preview/${token}/hello?x=1`, { headers: { cookie: "session=app-secret", authorization: "Bearer app-token", accept: "application/json" } }), "http://127.0.0.1:3000");
        if (res.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(res!.status).toBe(200);
      const seen = (await res!.json()) as { path: string; headers: Record<string, string> };
      expect(seen.path).toBe("/hello?x=1");
      expect(seen.headers.accept).toBe("application/json");
      expect(seen.headers.cookie).toBeUndefined();
      expect(seen.headers.authorization).toBeUndefined();
      expect(res!.headers.get("set-cookie")).toBeNull();
      expect(res!.headers.get("content-security-policy")).toMatch(/^sandbox allow-scripts/);
      expect(await respondPreview(store, "Z".repeat(43), "", new Request("http://127.0.0.1:3000/"), "http://127.0.0.1:3000").then((r) => r.status)).toBe(404);
    } finally {
      await provider.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
