import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import { ownServer, type OwnServer } from "./support/own-server";

/*
 * Persistence across restarts, with servers this spec starts and kills itself:
 * - a project built in the browser (two versions, a preview) is all there after the server
 *   restarts and the page reloads;
 * - a server killed with SIGKILL in the middle of saving a version leaves the database holding
 *   the whole version or none of it — on the embedded PGlite and on the real Postgres.
 */

test.describe.configure({ mode: "serial", timeout: 240_000 });

const previewFrame = (page: Page) => page.frameLocator('[data-testid="preview-frame"]');

test("a project, its chat, files, versions and last preview survive a restart and a reload", async ({ page }) => {
  const server = ownServer({ port: 3216, name: "restart-ui" });
  await server.start();
  try {
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("chat-panel")).toHaveAttribute("data-hydrated", "true");
    // With no model configured the builder opens on its examples gallery.
    await page.getByTestId("examples-gallery").locator('[data-example-id="html-memory-game"]').getByTestId("example-run").click();
    await expect(previewFrame(page).locator("body")).toContainText(/memory/i, { timeout: 45_000 });

    // A second version, edited by hand.
    await page.getByTestId("tab-code").click();
    await page.getByTestId("file-tree-item").filter({ hasText: "index.html" }).click();
    const editor = page.locator('[data-testid="code-editor"] .cm-content');
    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText("<!doctype html><title>Two</title><h1>The second version</h1>\n");
    await page.getByTestId("run-button").click();
    await page.getByTestId("tab-preview").click();
    await expect(previewFrame(page).getByText("The second version")).toBeVisible({ timeout: 45_000 });
    await expect(page).toHaveURL(/\/p\/[A-Za-z0-9_-]+$/);
    const projectUrl = page.url();
    // Saves are debounced: wait until the server has both versions before pulling the plug.
    const projectId = projectUrl.split("/p/")[1]!;
    await expect(async () => {
      const res = await page.request.get(`${server.url}/api/projects/${projectId}`);
      const body = (await res.json()) as { project: { versions: unknown[]; lastRun?: { version: number } } };
      expect(body.project.versions).toHaveLength(2);
      expect(body.project.lastRun?.version).toBe(2);
    }).toPass({ timeout: 10_000 });

    await server.stop();
    await server.start();
    await page.goto(projectUrl);

    await expect(page.getByTestId("chat-panel")).toHaveAttribute("data-restored", "true");
    await expect(page.getByTestId("message-assistant").first()).toContainText(/memory/i);
    await expect(page.getByTestId("project-list").getByTestId("project-item").filter({ hasText: /memory/i })).toBeVisible();
    await page.getByTestId("tab-versions").click();
    await expect(page.getByTestId("version-item")).toHaveCount(2);
    await page.getByTestId("tab-code").click();
    await expect(page.locator('[data-testid="code-editor"] .cm-content')).toContainText("The second version");
    // The last preview comes back from the database, not from a new run.
    await page.getByTestId("tab-preview").click();
    await expect(previewFrame(page).getByText("The second version")).toBeVisible({ timeout: 20_000 });
  } finally {
    await server.stop();
  }
});

/** A version of 100 files, ~2 MiB in all: several INSERT statements inside one transaction. */
function bigVersion(n: number) {
  const files = Array.from({ length: 100 }, (_, i) => ({ path: `src/part${i}.js`, content: `// version ${n}, file ${i}\n` + `export const v${i} = "${String(n).repeat(8)}";\n`.repeat(500) }));
  return { n, createdAt: new Date().toISOString(), source: "edit", title: `v${n}`, template: "html", files, dependencies: { npm: [], pip: [] }, entry: "src/part0.js", port: null };
}

interface SavedDoc {
  versions: { n: number; files: { path: string; blob: string }[] }[];
  blobs: Record<string, string>;
}

async function createProject(server: OwnServer, id: string) {
  const res = await fetch(`${server.url}/api/projects`, { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify({ id, title: "Crash test" }) });
  expect(res.status).toBe(201);
}

function saveVersion(server: OwnServer, id: string, n: number): Promise<Response> {
  return fetch(`${server.url}/api/projects/${id}/versions`, { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify({ version: bigVersion(n) }) });
}

/** Every version in the database is whole: all 100 files, each with this version's content. */
async function expectWholeVersions(server: OwnServer, id: string): Promise<number[]> {
  const res = await fetch(`${server.url}/api/projects/${id}`);
  expect(res.status).toBe(200);
  const doc = ((await res.json()) as { project: SavedDoc }).project;
  const expected = (n: number) => bigVersion(n).files;
  for (const v of doc.versions) {
    expect(v.files.map((f) => f.path), `version ${v.n} has all its files`).toEqual(expected(v.n).map((f) => f.path));
    for (const [i, f] of v.files.entries()) expect(doc.blobs[f.blob], `version ${v.n} ${f.path}`).toBe(expected(v.n)[i]!.content);
  }
  return doc.versions.map((v) => v.n);
}

test("SIGKILL while saving a version leaves all of it or none of it (PGlite)", async () => {
  const server = ownServer({ port: 3217, name: "crash-pglite" });
  await server.start();
  const id = "crash-pglite";
  try {
    await createProject(server, id);
    // How long one save takes here, so the kills below land inside one.
    const durations: number[] = [];
    for (const n of [1, 2, 3]) {
      const started = performance.now();
      expect((await saveVersion(server, id, n)).status).toBe(201);
      durations.push(performance.now() - started);
    }
    const typical = durations.sort((x, y) => x - y)[1]!;
    const outcomes: { n: number; delayMs: number; saved: boolean }[] = [];
    // From just after the request starts to well past the usual end of the save.
    const kills = 8;
    for (let i = 0; i < kills; i++) {
      const n = 10 + i;
      const delayMs = typical * (0.1 + (1.5 * i) / (kills - 1));
      const pending = saveVersion(server, id, n).then(
        (r) => r.status,
        () => "cut",
      );
      await new Promise((r) => setTimeout(r, delayMs));
      await server.kill();
      await pending;
      await server.start();
      const present = await expectWholeVersions(server, id);
      outcomes.push({ n, delayMs: Math.round(delayMs), saved: present.includes(n) });
    }
    test.info().annotations.push({ type: "outcomes", description: `typical save ${Math.round(typical)} ms; ${JSON.stringify(outcomes)}` });
    expect(outcomes.some((o) => !o.saved), "some kills landed before the save committed").toBe(true);
    // A save the server acknowledged survives a kill right after the answer.
    expect((await saveVersion(server, id, 30)).status).toBe(201);
    await server.kill();
    await server.start();
    expect(await expectWholeVersions(server, id)).toEqual(expect.arrayContaining([1, 2, 3, 30]));
  } finally {
    await server.kill();
  }
});

const adminUrl = process.env.TEST_DATABASE_URL;

test("SIGKILL while saving a version leaves all of it or none of it (Postgres)", async () => {
  test.skip(!adminUrl, "TEST_DATABASE_URL is not set: the Postgres crash test needs a Postgres server");
  const name = `tessera_crash_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  const server = ownServer({ port: 3218, name: "crash-postgres", databaseUrl: url.toString() });
  try {
    await server.start();
    const id = "crash-postgres";
    await createProject(server, id);
    expect((await saveVersion(server, id, 1)).status).toBe(201);
    let caughtMidTransaction = 0;
    for (let i = 0; i < 4; i++) {
      const n = 10 + i;
      const pending = saveVersion(server, id, n).then(
        (r) => r.status,
        () => "cut",
      );
      // Kill at the moment the server's connection holds an open transaction that has written rows.
      let open = false;
      const deadline = Date.now() + 10_000;
      while (!open && Date.now() < deadline) {
        const [row] = await admin`select count(*)::int as n from pg_stat_activity where datname = ${name} and backend_xid is not null`;
        open = (row as { n: number }).n > 0;
      }
      await server.kill();
      await pending;
      if (open) caughtMidTransaction++;
      await server.start();
      const present = await expectWholeVersions(server, id);
      // Killed inside the transaction: Postgres rolled it back.
      if (open) expect(present, `version ${n} was killed mid-save`).not.toContain(n);
    }
    expect(caughtMidTransaction, "kills that landed inside an open write transaction").toBeGreaterThan(0);
  } finally {
    await server.kill();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
});

test("local mode binds a network interface only with the override, and warns; with sign-in configured it binds and requires it", async ({ request }) => {
  const open = ownServer({ port: 3219, name: "bind-override", env: { HOSTNAME: "0.0.0.0", ALLOW_UNAUTHENTICATED_NETWORK: "1" } });
  await open.start();
  try {
    expect(open.output()).toContain("WARNING: anyone who can reach this address is that user");
  } finally {
    await open.stop();
  }
  // Supabase configured (its URL need not answer for the server to start): sign-in is required.
  const authed = ownServer({
    port: 3219,
    name: "bind-auth",
    env: { HOSTNAME: "0.0.0.0", NEXT_PUBLIC_SUPABASE_URL: "http://127.0.0.1:9", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon-key-for-a-server-that-is-not-there" },
  });
  await authed.start();
  try {
    expect(authed.output()).toContain("sign-in required");
    expect(authed.output()).not.toContain("WARNING");
    expect((await request.get(`${authed.url}/api/projects`)).status()).toBe(401);
    const page = await request.get(`${authed.url}/`, { maxRedirects: 0 });
    expect(page.status()).toBe(303);
    expect(page.headers()["location"]).toContain("/sign-in");
  } finally {
    await authed.stop();
  }
});

test("a share link past its expiry is 404, on the page and for running it (Postgres)", async ({ request }) => {
  test.skip(!adminUrl, "TEST_DATABASE_URL is not set: this test ages a link inside a Postgres database");
  const name = `tessera_expiry_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  const server = ownServer({ port: 3220, name: "share-expiry", databaseUrl: url.toString() });
  const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    await server.start();
    const headers = { origin: server.url, "content-type": "application/json" };
    await createProject(server, "expiring");
    expect((await saveVersion(server, "expiring", 1)).status).toBe(201);
    const made = await request.post(`${server.url}/api/projects/expiring/shares`, { headers, data: { version: 1, expiresInDays: 1 } });
    const token = ((await made.json()) as { share: { url: string } }).share.url.split("/s/")[1]!;
    expect((await request.get(`${server.url}/s/${token}`)).status()).toBe(200);
    // A day later, as far as the link is concerned.
    await db`update share_links set expires_at = now() - interval '1 second'`;
    expect((await request.get(`${server.url}/s/${token}`)).status()).toBe(404);
    expect((await request.post(`${server.url}/api/shares/${token}/run`, { headers, data: {} })).status()).toBe(404);
    // Gone from the owner's list of live links too.
    expect(((await (await request.get(`${server.url}/api/projects/expiring/shares`)).json()) as { shares: unknown[] }).shares).toEqual([]);
  } finally {
    await server.stop();
    await db.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
});
