import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { newUser, type TestUser } from "./support/auth";

/*
 * The authorization matrix, over HTTP against the built app with Supabase sign-in: user A owns a
 * project with messages, versions, a run (sandbox and preview), a share link and a kept key; user B
 * sends every route that takes one of those ids A's ids. Each answer is 404 — exactly what an id
 * that never existed gets, so B cannot even learn that it exists — and afterwards A's data is
 * exactly as it was. Every route file and method of the app is listed below; a new one fails this
 * test until it has a row.
 */

const ROOT = process.cwd();

/** Every `METHOD /pattern` the app serves, read from app/**\/route.ts. */
function appRoutes(): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (/^route\.(ts|tsx)$/.test(name)) {
        const pattern =
          "/" +
          path
            .relative(path.join(ROOT, "app"), dir)
            .split(path.sep)
            .filter((s) => !/^\(.*\)$/.test(s))
            .join("/");
        const methods = [...readFileSync(p, "utf8").matchAll(/export const (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)].map((m) => m[1]);
        for (const method of methods) out.push(`${method} ${pattern}`);
      }
    }
  };
  visit(path.join(ROOT, "app"));
  return out.sort();
}

interface Owned {
  projectId: string;
  messageId: string;
  version: number;
  shareId: string;
  shareToken: string;
  sandboxId: string;
  previewUrl: string;
}

type Call = { method: string; url: string; data?: unknown };

/** Routes that name something of A's: B gets 404 and nothing changes. */
const FOREIGN: Record<string, (a: Owned, b: { projectId: string }) => Call[]> = {
  "GET /api/projects/[projectId]": (a) => [{ method: "GET", url: `/api/projects/${a.projectId}` }],
  "PATCH /api/projects/[projectId]": (a) => [{ method: "PATCH", url: `/api/projects/${a.projectId}`, data: { title: "taken over" } }],
  "DELETE /api/projects/[projectId]": (a) => [{ method: "DELETE", url: `/api/projects/${a.projectId}` }],
  "POST /api/projects/[projectId]/restore": (a) => [{ method: "POST", url: `/api/projects/${a.projectId}/restore` }],
  "POST /api/projects/[projectId]/messages": (a) => [
    { method: "POST", url: `/api/projects/${a.projectId}/messages`, data: { message: { id: "planted", role: "user", content: "hi", createdAt: new Date().toISOString() } } },
  ],
  "DELETE /api/projects/[projectId]/messages/[messageId]": (a, b) => [
    { method: "DELETE", url: `/api/projects/${a.projectId}/messages/${a.messageId}` },
    // B's own project with A's message id names nothing either.
    { method: "DELETE", url: `/api/projects/${b.projectId}/messages/${a.messageId}` },
  ],
  "POST /api/projects/[projectId]/versions": (a) => [{ method: "POST", url: `/api/projects/${a.projectId}/versions`, data: { version: version(9, "planted") } }],
  "GET /api/projects/[projectId]/versions/[n]/export": (a) => [{ method: "GET", url: `/api/projects/${a.projectId}/versions/${a.version}/export` }],
  "GET /api/projects/[projectId]/shares": (a) => [{ method: "GET", url: `/api/projects/${a.projectId}/shares` }],
  "POST /api/projects/[projectId]/shares": (a) => [{ method: "POST", url: `/api/projects/${a.projectId}/shares`, data: { version: a.version } }],
  "DELETE /api/projects/[projectId]/shares/[shareId]": (a, b) => [
    { method: "DELETE", url: `/api/projects/${a.projectId}/shares/${a.shareId}` },
    { method: "DELETE", url: `/api/projects/${b.projectId}/shares/${a.shareId}` },
  ],
  "DELETE /api/sandboxes/[sandboxId]": (a) => [{ method: "DELETE", url: `/api/sandboxes/${a.sandboxId}` }],
  "POST /api/chat": (a) => [{ method: "POST", url: "/api/chat", data: { projectId: a.projectId, model: "compatible:fake-coder", messages: [{ role: "user", content: "hi" }] } }],
  "POST /api/sandbox": (a) => [{ method: "POST", url: "/api/sandbox", data: { projectId: a.projectId, version: a.version, state: runState("planted") } }],
  // A provider id names a row of the caller's own: B has no kept key, whatever A has.
  "DELETE /api/keys/[provider]": () => [{ method: "DELETE", url: "/api/keys/openai" }],
};

/**
 * Capability URLs: the token in the path is the credential (there is no owner to compare), so
 * whoever holds A's token may use it — that is what a preview or a share link is for. What B must
 * not be able to do is find or forge one: a wrong token is 404.
 */
const CAPABILITY: Record<string, (a: Owned) => Call[]> = {
  "GET /preview/[token]/[[...path]]": (a) => [{ method: "GET", url: forge(a.previewUrl) }],
  "POST /api/shares/[token]/run": (a) => [{ method: "POST", url: `/api/shares/${forgeToken(a.shareToken)}/run`, data: {} }],
};

/** Routes that take no id of anyone's: they act on the caller's own data or on nothing. */
const NO_FOREIGN_ID = new Set([
  "GET /api/projects", // the caller's own list
  "POST /api/projects", // creates under the caller; an id another user has is just another project (checked below)
  "GET /api/sandboxes",
  "GET /api/keys",
  "PUT /api/keys/[provider]", // writes the caller's own key
  "GET /api/health",
  "GET /api/health/[component]",
  "GET /api/preferences",
  "POST /api/preferences",
  "GET /auth/callback",
  // Signing in and out: they act on the caller's own session (or make one), never on an id.
  "POST /api/auth/sign-in",
  "POST /api/auth/sign-up",
  "POST /api/auth/email-link",
  "POST /api/auth/password-reset",
  "POST /api/auth/oauth",
  "POST /api/auth/password",
  "POST /api/auth/sign-out",
  ...["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map((m) => `${m} /api/[...path]`),
]);

const forgeToken = (token: string) => token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
const forge = (previewUrl: string) => previewUrl.replace(/\/preview\/([A-Za-z0-9_-]{43})\//, (_, t: string) => `/preview/${forgeToken(t)}/`);

function version(n: number, text: string) {
  return {
    n,
    createdAt: new Date().toISOString(),
    source: "model",
    title: "Matrix app",
    template: "html",
    files: [{ path: "index.html", content: `<!doctype html><h1>${text}</h1>` }],
    dependencies: { npm: [], pip: [] },
    entry: "index.html",
    port: null,
  };
}
const runState = (text: string) => ({ template: "html", files: [{ path: "index.html", content: `<!doctype html><h1>${text}</h1>` }], dependencies: { npm: [], pip: [] }, entry: "index.html", port: null });

async function send(request: APIRequestContext, user: TestUser, call: Call) {
  return request.fetch(call.url, { method: call.method, headers: user.headers, ...(call.data !== undefined ? { data: call.data } : {}) });
}

async function ok<T>(request: APIRequestContext, user: TestUser, call: Call): Promise<T> {
  const res = await send(request, user, call);
  expect(res.status(), `${call.method} ${call.url}: ${await res.text()}`).toBeLessThan(300);
  return (await res.json()) as T;
}

let a: TestUser;
let b: TestUser;
let owned: Owned;
const bProject = { projectId: `b-own-${Date.now()}` };

/** Everything of A's the matrix could touch, as A sees it. */
async function snapshotOfA(request: APIRequestContext) {
  const project = await ok<{ project: unknown }>(request, a, { method: "GET", url: `/api/projects/${owned.projectId}` });
  const shares = await ok<{ shares: unknown[] }>(request, a, { method: "GET", url: `/api/projects/${owned.projectId}/shares` });
  const sandboxes = await ok<{ sandboxes: { id: string }[] }>(request, a, { method: "GET", url: "/api/sandboxes" });
  const keys = await ok<{ keys: unknown[] }>(request, a, { method: "GET", url: "/api/keys" });
  const preview = await request.get(owned.previewUrl);
  return { project, shares, sandboxes: sandboxes.sandboxes.map((s) => s.id).sort(), keys, preview: { status: preview.status(), body: await preview.text() } };
}

test.describe.configure({ mode: "serial", timeout: 90_000 });

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  a = await newUser("owner-a");
  b = await newUser("other-b");
  const projectId = `a-project-${Date.now()}`;
  await ok(request, a, { method: "POST", url: "/api/projects", data: { id: projectId, title: "A's secret project" } });
  await ok(request, a, { method: "POST", url: `/api/projects/${projectId}/versions`, data: { version: version(1, "A's app") } });
  await ok(request, a, { method: "POST", url: `/api/projects/${projectId}/messages`, data: { message: { id: "a-m1", role: "user", content: "Build my app", createdAt: new Date().toISOString() } } });
  await ok(request, a, { method: "PATCH", url: `/api/projects/${projectId}`, data: { currentVersion: 1 } });
  // A run: a sandbox and a preview of A's.
  const run = await send(request, a, { method: "POST", url: "/api/sandbox", data: { projectId, version: 1, state: runState("A's app") } });
  const lines = (await run.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string; result?: { url: string; sandboxId: string } });
  const result = lines.find((l) => l.type === "result")?.result;
  expect(result, JSON.stringify(lines)).toBeDefined();
  // The run's result is kept a moment after the answer; let that settle before A's data is compared.
  await expect(async () => {
    const doc = await ok<{ project: { lastRun?: unknown } }>(request, a, { method: "GET", url: `/api/projects/${projectId}` });
    expect(doc.project.lastRun).toBeDefined();
  }).toPass({ timeout: 10_000 });
  const share = await ok<{ share: { id: string; url: string } }>(request, a, { method: "POST", url: `/api/projects/${projectId}/shares`, data: { version: 1 } });
  await ok(request, a, { method: "PUT", url: "/api/keys/openai", data: { apiKey: "sk-test-owner-a-0000000000001234" } });
  await ok(request, b, { method: "POST", url: "/api/projects", data: { id: bProject.projectId, title: "B's own" } });
  owned = {
    projectId,
    messageId: "a-m1",
    version: 1,
    shareId: share.share.id,
    shareToken: share.share.url.split("/s/")[1]!,
    sandboxId: result!.sandboxId,
    previewUrl: result!.url,
  };
  await request.dispose();
});

test("every route of the app is in the matrix", () => {
  const listed = [...Object.keys(FOREIGN), ...Object.keys(CAPABILITY), ...NO_FOREIGN_ID].sort();
  expect(new Set(listed).size, "no route is listed twice").toBe(listed.length);
  expect(listed).toEqual(appRoutes());
});

test("user B using user A's ids gets 404 from every route that takes one, and nothing of A's changes", async ({ request }) => {
  const before = await snapshotOfA(request);
  expect(before.preview.status).toBe(200);
  expect(before.sandboxes).toContain(owned.sandboxId);
  for (const [route, calls] of Object.entries(FOREIGN)) {
    for (const call of calls(owned, bProject)) {
      const res = await send(request, b, call);
      const body = await res.text();
      expect(res.status(), `${route} as B: ${call.method} ${call.url} → ${body}`).toBe(404);
      expect(JSON.parse(body).error.code, route).toBe("not_found");
      // The answer must not tell A's ids from ones that never existed.
      const unknown = await send(request, b, { ...call, url: call.url.replace(owned.projectId, "never-existed").replace(owned.sandboxId, "never-existed") });
      expect(unknown.status(), `${route} with an id that never existed`).toBe(404);
    }
  }
  const after = await snapshotOfA(request);
  expect(after).toEqual(before);
});

test("capability URLs: a forged token is 404; A's own works for whoever holds it", async ({ request }) => {
  for (const [route, calls] of Object.entries(CAPABILITY)) {
    for (const call of calls(owned)) {
      const res = await send(request, b, call);
      expect(res.status(), `${route}: ${call.method} ${call.url}`).toBe(404);
    }
  }
  expect((await request.get(owned.previewUrl)).status()).toBe(200);
  expect((await request.get(`/s/${owned.shareToken}`)).status()).toBe(200);
});

test("B may create a project under an id A uses: it is B's own, and A's is untouched", async ({ request }) => {
  const before = await snapshotOfA(request);
  const res = await send(request, b, { method: "POST", url: "/api/projects", data: { id: owned.projectId, title: "B's lookalike" } });
  expect(res.status()).toBe(201);
  expect((await ok<{ project: { title: string; versions: unknown[] } }>(request, b, { method: "GET", url: `/api/projects/${owned.projectId}` })).project).toMatchObject({ title: "B's lookalike", versions: [] });
  expect(await snapshotOfA(request)).toEqual(before);
});

test("after A deletes the project, its preview and share link are 404 for everyone", async ({ request }) => {
  await ok(request, a, { method: "DELETE", url: `/api/projects/${owned.projectId}` });
  expect((await request.get(owned.previewUrl)).status()).toBe(404);
  expect((await request.get(`/s/${owned.shareToken}`)).status()).toBe(404);
  expect((await send(request, a, { method: "GET", url: `/api/projects/${owned.projectId}` })).status()).toBe(404);
});
