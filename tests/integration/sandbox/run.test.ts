import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "@/lib/fragment/examples";
import { previewErrorMessageSchema, type RunEvent } from "@/lib/fragment/protocol";
import { SandboxPool } from "@/lib/sandbox/pool";
import { hasBwrap } from "../../support/sandbox";
import { CHROMIUM, outputOf, python, react, ROOT, startHarness, steps, type Harness } from "./run-harness";

/**
 * runProject on real bubblewrap: every gallery example, the step sequence, reuse of a project's
 * sandbox, the refusals that happen before anything is written, build and Python failures, and
 * in Chromium, Tailwind's CSS and the preview error reporter.
 */

const ready =
  hasBwrap && existsSync(CHROMIUM) && ["react", "vue"].every((t) => existsSync(path.join(ROOT, `templates/${t}/node_modules/esbuild`)));
if (!ready) console.warn("bwrap, Chromium or the templates' packages are missing: the runner suite is skipped (npm test installs them).");

const registryReachable = (() => {
  try {
    execFileSync("npm", ["view", "clsx@2", "version"], { timeout: 20_000, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (ready && !registryReachable) console.warn("The npm registry is unreachable: the dependency install test is skipped.");

const tokenOf = (url: string) => /^\/preview\/([A-Za-z0-9_-]{43})\/$/.exec(url)?.[1];

describe.skipIf(!ready)("runProject", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("runner-owner");
  });
  afterAll(async () => {
    await h?.close();
  });

  describe.each(EXAMPLES.map((e) => [e.id, e] as const))("example %s", (_id, example) => {
    it("runs and yields its result", async () => {
      const { result, events } = await h.run(`example-${example.id}`, example.fragment);
      expect(events.filter((e) => e.type === "error")).toEqual([]);
      if (example.template === "python") {
        expect(steps(events)).toEqual(["creating", "writing", "running"]);
        expect(result.kind).toBe("execution");
        if (result.kind !== "execution") return;
        expect(result.error).toBeUndefined();
        expect(outputOf(events)).toBe(result.stdout);
        if (example.id === "python-sales-chart") {
          const png = result.results.find((r) => r.type === "png");
          expect(png && Buffer.from(png.base64, "base64").subarray(1, 4).toString()).toBe("PNG");
        }
        if (example.id === "python-orders-table") {
          const table = result.results.find((r) => r.type === "table");
          expect(table?.type === "table" && table.columns.slice(0, 4)).toEqual(["region", "orders", "items", "revenue"]);
          expect(table?.type === "table" && table.rows).toHaveLength(4);
        }
        if (example.id === "python-birthday-paradox") expect(result.stdout).toMatch(/With 23 people, a shared birthday is more likely than not\./);
        return;
      }
      expect(steps(events)).toEqual(["creating", "writing", "building", "publishing"]);
      expect(events.find((e) => e.type === "progress")).toMatchObject({ message: "Starting a sandbox…" });
      expect(result.kind).toBe("preview");
      if (result.kind !== "preview") return;
      expect(tokenOf(result.url)).toBeDefined();
      const page = await h.get(`${result.url}index.html`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = example.template === "html" ? "game.js" : "app.js";
      expect(html).toContain(`src="${script}"`);
      // The reporter comes before every script of the page's own.
      expect(html.indexOf("tessera-error-reporter.js")).toBeGreaterThan(-1);
      expect(html.indexOf("tessera-error-reporter.js")).toBeLessThan(html.indexOf(script));
      for (const file of [script, "tessera-error-reporter.js"]) {
        const res = await h.get(result.url + file);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      }
    });
  });

  it("reuses the project's sandbox on the next run and removes files that left the project", async () => {
    const first = await h.run("reuse", react('import { label } from "./label";\nexport default function App() { return <p>{label}</p>; }\n', { "src/label.ts": 'export const label = "one";\n', "src/old.ts": "export {};\n" }));
    const second = await h.run("reuse", react('export default function App() { return <p>two</p>; }\n'));
    expect(second.events.find((e) => e.type === "progress")).toMatchObject({ step: "creating", message: "Reusing the project's sandbox" });
    expect(second.result.sandboxId).toBe(first.result.sandboxId);
    const sandbox = await h.provider.connect(second.result.sandboxId, "runner-owner");
    const files = (await sandbox.files.list("src")).map((f) => f.path);
    expect(files).toEqual(["src/App.tsx"]);
    // The build's output is the build's: still there, rebuilt.
    expect((await sandbox.files.list("dist")).map((f) => f.path)).toContain("dist/app.js");
  });

  it("reports a build error at the building step with the compiler's file:line message", async () => {
    const { error, events } = await h.fail("broken", react('export default function App() {\n  const x = 1\n  return <div>{x}</span>;\n}\n'));
    const reported = events.find((e): e is Extract<RunEvent, { type: "error" }> => e.type === "error");
    expect(reported?.step).toBe("building");
    expect(reported?.error.message).toMatch(/^The build failed: src\/App\.tsx:3:\d+: /);
    expect(reported?.output).toMatch(/src\/App\.tsx:3:\d+: Unexpected closing "span" tag/);
    expect(error).toMatchObject({ name: "RunError", code: "bad_request:validation", step: "building" });
    expect(steps(events)).toEqual(["creating", "writing", "building"]);
  });

  it("returns a Python exception as an execution result, with its output so far", async () => {
    const { result } = await h.run("py-error", python('print("before")\nvalues = {"a": 1}\nvalues["b"]\n'));
    expect(result).toMatchObject({ kind: "execution", stdout: "before\n", error: { name: "KeyError", value: "'b'" } });
    expect(result.kind === "execution" && result.error?.traceback).toMatch(/KeyError/);
  });

  it("refuses an unsafe state before anything is written or created", async () => {
    const owner = "careful-owner";
    const bad = [
      { path: "../../etc/passwd", why: /\.\. segment/ },
      { path: "src/.env", why: /\.env/ },
      { path: "/abs", why: /absolute/ },
      { path: ".tessera/files.json", why: /runner keeps for itself/ },
      { path: "dist/index.html", why: /belongs to the template/ },
    ];
    for (const { path: p, why } of bad) {
      const { error, events } = await h.fail("unsafe", react("export default () => null;\n", { [p]: "x" }), { ownerId: owner });
      expect(error).toMatchObject({ code: "bad_request:validation", step: "writing" });
      expect((error as Error).message).toMatch(why);
      expect(events.map((e) => e.type)).toEqual(["error"]);
    }
    expect(await h.provider.list(owner)).toEqual([]);
  });

  it("refuses dependency specs that are not package names, and unknown templates", async () => {
    const owner = "careful-owner-2";
    for (const npm of [["left-pad; rm -rf /"], ["git+https://example.com/x.git"], ["--registry=http://evil"]]) {
      const { error } = await h.fail("deps", { ...react("export default () => null;\n"), dependencies: { npm, pip: [] } }, { ownerId: owner });
      expect((error as Error).message).toMatch(/is not an npm package name/);
    }
    const { error } = await h.fail("deps", { ...python("print(1)\n"), dependencies: { npm: [], pip: ["requests>=2; echo"] } }, { ownerId: owner });
    expect((error as Error).message).toMatch(/is not a PyPI package name/);
    const unknown = await h.fail("tpl", { ...react("x"), template: "rails" }, { ownerId: owner });
    expect((unknown.error as Error).message).toMatch(/Unknown template "rails"/);
    expect(await h.provider.list(owner)).toEqual([]);
  });

  it("takes a new project's sandbox from the warm pool", async () => {
    const pool = new SandboxPool(h.provider, { size: { python: 1 }, warm: async (s) => void (await s.runCode("import numpy as np")) });
    try {
      for (let i = 0; i < 200 && pool.stats().python === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(pool.stats().python).toBe(1);
      // No import: `np` is there only if the run got the warmed sandbox.
      const { result } = await h.run("pooled", python("print(np.arange(4).sum())\n"), { pool });
      expect(result).toMatchObject({ kind: "execution", stdout: "6\n" });
    } finally {
      await pool.shutdown();
    }
  });

  it("stops before the first step when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("client went away"));
    const { error, events } = await h.fail("aborted", python("print(1)\n"), { ownerId: "abort-owner", signal: controller.signal });
    expect((error as Error).message).toBe("client went away");
    expect(events).toEqual([]);
    expect(await h.provider.list("abort-owner")).toEqual([]);
  });

  it.skipIf(!registryReachable)("installs declared npm packages once per set, and removes them when none are declared", async () => {
    const app = 'import clsx from "clsx";\nexport default function App() { return <p className={clsx("p-2", { hidden: false })}>ok</p>; }\n';
    const withDeps = { ...react(app), dependencies: { npm: ["clsx@2", "react@18"], pip: [] } };
    const first = await h.run("deps", withDeps);
    expect(steps(first.events)).toEqual(["creating", "writing", "installing", "building", "publishing"]);
    // react is the template's own: declaring it installs nothing.
    expect(first.events).toContainEqual({ type: "progress", step: "installing", message: "Installing clsx@2…" });
    const second = await h.run("deps", withDeps);
    expect(second.events).toContainEqual({ type: "progress", step: "installing", message: "Packages already installed: clsx@2" });
    const sandbox = await h.provider.connect(second.result.sandboxId, "runner-owner");
    const installed = (await sandbox.files.list(".tessera/npm")).map((f) => f.path);
    expect(installed).toContain(".tessera/npm/node_modules/clsx/package.json");
    expect(installed).not.toContain(".tessera/npm/node_modules/react");
    const third = await h.run("deps", react("export default () => <p>plain</p>;\n"));
    expect(steps(third.events)).toEqual(["creating", "writing", "building", "publishing"]);
    await expect(sandbox.files.list(".tessera/npm")).rejects.toMatchObject({ code: "not_found" });
  });

  it("starts a server-style app, waits for its port, and replaces it on the next run", async () => {
    const server = (text: string) =>
      python(`import http.server\nclass H(http.server.BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(b"${text}")\n    def log_message(self, *a): pass\nhttp.server.HTTPServer(("127.0.0.1", 8130), H).serve_forever()\n`, 8130);
    for (const text of ["first", "second"]) {
      const { result, events } = await h.run("server", server(text));
      expect(steps(events)).toEqual(["creating", "writing", "starting"]);
      expect(result.kind === "preview" && tokenOf(result.url)).toBeTruthy();
      if (result.kind === "preview") expect(await (await h.get(result.url)).text()).toBe(text);
    }
    const { error } = await h.fail("server-dies", python('raise SystemExit("no port for you")\n', 8131));
    expect(error).toMatchObject({ step: "starting" });
    expect((error as Error).message).toMatch(/exited \(code 1\) before it listened on port 8131: no port for you/);
  });

  describe("in Chromium", () => {
    it("builds the CSS for the Tailwind classes the app uses, with or without a CSS import of its own", async () => {
      const app = (imports: string) =>
        `${imports}export default function App() {\n  return (<main>\n    <div id="red" className="bg-red-500 p-4">red</div>\n    <div id="ref" style={{ backgroundColor: "oklch(63.7% 0.237 25.331)" }}>reference</div>\n    <h1 className="title">t</h1>\n    <div id="brand" className="bg-brand">b</div>\n  </main>);\n}\n`;
      const cases = [
        { name: "no CSS", state: react(app("")) },
        { name: "plain CSS", state: react(app('import "./app.css";\n'), { "src/app.css": ".title { color: rgb(1, 2, 3); }\n" }) },
        {
          name: "Tailwind CSS",
          state: react(app('import "./index.css";\n'), { "src/index.css": '@import "tailwindcss";\n@theme { --color-brand: #123456; }\n.title { color: rgb(1, 2, 3); }\n' }),
        },
        { name: "@apply", state: react(app('import "./app.css";\n'), { "src/app.css": ".title { @apply text-emerald-600 underline; }\n" }) },
      ];
      const browser = await h.browser();
      for (const { name, state } of cases) {
        const { result } = await h.run(`tailwind-${name}`, state);
        const page = await browser.newPage();
        await page.goto(h.origin + (result as { url: string }).url);
        await page.locator("#red").waitFor();
        const style = (sel: string, prop: "backgroundColor" | "color" | "padding") => page.locator(sel).evaluate((el, p) => getComputedStyle(el)[p], prop);
        expect(await style("#red", "backgroundColor"), name).toBe(await style("#ref", "backgroundColor"));
        expect(await style("#red", "backgroundColor"), name).toMatch(/^oklch\(0\.637 0\.237 25\.33/);
        expect(await style("#red", "padding"), name).toBe("16px");
        if (name === "@apply") expect(await style("h1", "color"), name).toMatch(/^oklch\(0\.596 0\.145 163/);
        else if (name !== "no CSS") expect(await style("h1", "color"), name).toBe("rgb(1, 2, 3)");
        expect(await style("#brand", "backgroundColor"), name).toBe(name === "Tailwind CSS" ? "rgb(18, 52, 86)" : "rgba(0, 0, 0, 0)");
        await page.close();
      }
    });

    it("the error reporter posts the app's errors to the framing page, deduplicated and capped", async () => {
      const app = `import { useState } from "react";
function Broken(): JSX.Element { throw new Error("render went wrong"); }
export default function App() {
  const [broken, setBroken] = useState(false);
  return (<main>
    <button id="click" onClick={() => { throw new TypeError("click handler failed"); }}>click</button>
    <button id="flood" onClick={() => { for (let i = 0; i < 40; i++) reportError(new Error("flood " + i)); }}>flood</button>
    <button id="render" onClick={() => setBroken(true)}>render</button>
    {broken && <Broken />}
  </main>);
}
`;
      const { result } = await h.run("reporter", react(app));
      const url = (result as { url: string }).url;
      const page = await (await h.browser()).newPage();
      await page.goto(`${h.origin}/frame?src=${encodeURIComponent(url)}`);
      const frame = page.frameLocator("#preview");
      const received = () => page.evaluate(() => (window as unknown as { received: unknown[] }).received);
      for (let i = 0; i < 3; i++) await frame.locator("#click").click();
      await expect.poll(async () => (await received()).length).toBe(1);
      const [click] = (await received()).map((m) => previewErrorMessageSchema.parse(m));
      expect(click).toMatchObject({ source: "tessera-preview", type: "error", message: "TypeError: click handler failed" });
      expect(click!.stack).toMatch(/TypeError: click handler failed\n\s+at .*app\.js:\d+:\d+/);
      // The capability token never leaves in a report.
      expect(click!.stack).not.toContain(tokenOf(url));
      await frame.locator("#flood").click();
      await expect.poll(async () => (await received()).length).toBe(20);
      await new Promise((r) => setTimeout(r, 300));
      expect((await received()).length).toBe(20);

      // A render error unmounts the app: a fresh page, a fresh reporter.
      await page.reload();
      await frame.locator("#render").click();
      await expect.poll(async () => (await received()).length).toBe(1);
      const [render] = (await received()).map((m) => previewErrorMessageSchema.parse(m));
      expect(render!.message).toBe("Error: render went wrong");
      expect(render!.stack).toMatch(/at Broken|app\.js/);
      await page.close();
    });

    it("every page of an HTML project reports a throw to the framing page", async () => {
      const { result } = await h.run("html-reporter", {
        template: "html",
        entry: "index.html",
        files: [
          { path: "index.html", content: '<!doctype html>\n<html><head><meta charset="utf-8"><script src="js/app.js"></script></head><body>ok</body></html>\n' },
          { path: "js/app.js", content: 'document.addEventListener("DOMContentLoaded", () => { throw new Error("boom from html"); });\n' },
        ],
      });
      const url = (result as { url: string }).url;
      const html = await (await h.get(`${url}index.html`)).text();
      expect(html).toMatch(/^<!doctype html>\n<html><head><script crossorigin="anonymous" src="tessera-error-reporter.js"><\/script><meta charset="utf-8"><script crossorigin="anonymous" src="js\/app.js">/);
      const page = await (await h.browser()).newPage();
      await page.goto(`${h.origin}/frame?src=${encodeURIComponent(url)}`);
      await expect.poll(() => page.evaluate(() => (window as unknown as { received: unknown[] }).received.length)).toBe(1);
      const [message] = await page.evaluate(() => (window as unknown as { received: unknown[] }).received);
      const parsed = previewErrorMessageSchema.parse(message);
      // Preview responses allow CORS reads and the page's scripts load with crossorigin, so the
      // browser hands over the details instead of "Script error.".
      expect(parsed.message).toMatch(/boom from html/);
      expect(parsed.filename).toMatch(/js\/app\.js$/);
      await page.close();
    });
  });
});
