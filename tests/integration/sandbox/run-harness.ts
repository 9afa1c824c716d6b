import { rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import type { RunEvent, RunResult } from "@/lib/fragment/protocol";
import { previewStore } from "@/lib/preview";
import { respondPreview } from "@/lib/preview/relay";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import { sandboxTempDir } from "../../support/sandbox";
import { runProject, type RunOptions } from "@/lib/sandbox/run";

/**
 * What run.test.ts shares: a real local provider, the process's preview store served over HTTP
 * (static and server-style previews, as the app's /preview route does), a page that frames a
 * preview the way the builder does, and Chromium.
 */

export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const CHROMIUM = "/usr/bin/chromium";
const FRAME_SANDBOX = "allow-scripts allow-forms allow-modals allow-popups";

export interface Harness {
  provider: LocalSandboxProvider;
  origin: string;
  run(projectId: string, state: unknown, extra?: Partial<RunOptions>): Promise<{ result: RunResult; events: RunEvent[] }>;
  fail(projectId: string, state: unknown, extra?: Partial<RunOptions>): Promise<{ error: unknown; events: RunEvent[] }>;
  get(url: string): Promise<Response>;
  browser(): Promise<Browser>;
  close(): Promise<void>;
}

export async function startHarness(ownerId: string): Promise<Harness> {
  const dir = sandboxTempDir("tessera-run-");
  const store = previewStore();
  const provider = new LocalSandboxProvider({
    rootDir: path.join(dir, "sandboxes"),
    templatesDir: path.join(ROOT, "templates"),
    maxPerOwner: 20,
    previewUrl: async (info, _port, socket) => `/preview/${store.publishServer(info, socket).token}/`,
  });
  let origin = "";
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    if (url.pathname === "/frame") {
      // The builder's page, in miniature: it frames the preview and keeps what the preview posts,
      // accepting only messages from that frame's window.
      res.setHeader("content-type", "text/html");
      res.end(
        `<!doctype html><title>App</title><script>window.received=[];addEventListener("message",(e)=>{` +
          `if(e.source===document.getElementById("preview").contentWindow)window.received.push(e.data)})</script>` +
          `<iframe id="preview" sandbox="${FRAME_SANDBOX}" src="${url.searchParams.get("src")}" width="800" height="600"></iframe>`,
      );
      return;
    }
    const match = /^\/preview\/([A-Za-z0-9_-]+)\/(.*)$/.exec(url.pathname);
    if (!match) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const request = new Request(origin + req.url, { method: req.method });
    void respondPreview(store, match[1]!, match[2]!, request, origin).then(async (response) => {
      res.statusCode = response.status;
      response.headers.forEach((v, k) => res.setHeader(k, v));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  let browser: Promise<Browser> | undefined;

  const base = (projectId: string, state: unknown, events: RunEvent[], extra: Partial<RunOptions> = {}): RunOptions => ({
    provider,
    ownerId,
    projectId,
    state,
    onEvent: (e) => events.push(e),
    templatesDir: path.join(ROOT, "templates"),
    previewOrigin: "",
    ...extra,
  });

  return {
    provider,
    origin,
    async run(projectId, state, extra) {
      const events: RunEvent[] = [];
      const result = await runProject(base(projectId, state, events, extra));
      return { result, events };
    },
    async fail(projectId, state, extra) {
      const events: RunEvent[] = [];
      try {
        await runProject(base(projectId, state, events, extra));
      } catch (error) {
        return { error, events };
      }
      throw new Error("the run was expected to fail");
    },
    get: (url) => fetch(origin + url),
    browser: () =>
      (browser ??= chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      })),
    async close() {
      await (await browser)?.close();
      server.close();
      await provider.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const steps = (events: RunEvent[]) => events.flatMap((e) => (e.type === "progress" ? [e.step] : []));
export const outputOf = (events: RunEvent[]) => events.flatMap((e) => (e.type === "output" ? [e.text] : [])).join("");

export function react(app: string, more: Record<string, string> = {}) {
  return {
    template: "react",
    files: [{ path: "src/App.tsx", content: app }, ...Object.entries(more).map(([p, content]) => ({ path: p, content }))],
    entry: "src/App.tsx",
  };
}

export function python(code: string, port: number | null = null) {
  return { template: "python", files: [{ path: "main.py", content: code }], entry: "main.py", port };
}
