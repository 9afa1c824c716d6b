import net from "node:net";
import { expect, test } from "@playwright/test";
import { ownServer, type OwnServer } from "./support/own-server";
import { dribblePost, rawRequest } from "./support/raw-http";

/*
 * The HTTP edge under configurations the shared e2e servers do not have, each on a server of its
 * own (scripts/serve.ts on the production build) so that what one test spends — a caller's
 * slow-body budget, a link's run budget — is nobody else's leftover:
 * - APP_URL and ALLOWED_HOSTS are answered, and only APP_URL's origin may write (issue 10, finding 2);
 * - a body that arrives too slowly is closed at the deadline and counted (finding 15);
 * - share viewers exhaust their own limits, never the owner's own runs (finding 16).
 */

const PORT = Number(process.env.E2E_EDGE_PORT ?? 3213);
const JSON_HEADERS = { "content-type": "application/json" };

// A server start can take most of a minute on a loaded machine; each test starts one.
test.describe.configure({ timeout: 180_000 });

/** A server of this test's own: refuses to start when something already answers on the port (a leftover would be tested instead). */
async function startServer(name: string, env: Record<string, string>): Promise<OwnServer> {
  const taken = await new Promise<boolean>((resolve) => {
    const probe = net.connect(PORT, "127.0.0.1");
    probe.once("connect", () => (probe.destroy(), resolve(true)));
    probe.once("error", () => resolve(false));
  });
  if (taken) throw new Error(`port ${PORT} is already in use; stop what listens there or set E2E_EDGE_PORT`);
  const server = ownServer({ port: PORT, name, env });
  await server.start();
  return server;
}

function securityEvents(server: OwnServer, event: string): Record<string, unknown>[] {
  return server
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.security === true && l.event === event);
}

test("APP_URL's host and ALLOWED_HOSTS are answered; only configured origins may write", async () => {
  const appHost = `tessera.test:${PORT}`;
  const alias = `alias.test:${PORT}`;
  const server = await startServer("edge-hosts", { APP_URL: `http://${appHost}`, ALLOWED_HOSTS: "alias.test" });
  try {
    for (const host of [appHost, alias, `127.0.0.1:${PORT}`, `localhost:${PORT}`]) {
      expect((await rawRequest(server.url, { path: "/", headers: { host } })).status, `page via ${host}`).toBe(200);
      expect((await rawRequest(server.url, { path: "/api/projects", headers: { host } })).status, `API GET via ${host}`).toBe(200);
    }
    const create = (host: string, origin: string, id: string) =>
      rawRequest(server.url, { method: "POST", path: "/api/projects", headers: { host, origin, ...JSON_HEADERS }, body: JSON.stringify({ id, title: id }) });
    expect((await create(appHost, `http://${appHost}`, "via-app-url")).status).toBe(201);
    // A name the server answers to is not thereby an origin that may write: only configuration decides.
    const fromAlias = await create(alias, `http://${alias}`, "via-alias");
    expect(fromAlias.status).toBe(403);
    expect(JSON.parse(fromAlias.body).error.code).toBe("forbidden:csrf");
    // Links the server hands out name APP_URL.
    await rawRequest(server.url, {
      method: "POST",
      path: "/api/projects/via-app-url/versions",
      headers: { host: appHost, origin: `http://${appHost}`, ...JSON_HEADERS },
      body: JSON.stringify({ version: htmlVersion() }),
    });
    const share = await rawRequest(server.url, {
      method: "POST",
      path: "/api/projects/via-app-url/shares",
      headers: { host: `127.0.0.1:${PORT}`, origin: `http://127.0.0.1:${PORT}`, ...JSON_HEADERS },
      body: JSON.stringify({ version: 1 }),
    });
    expect(JSON.parse(share.body).share.url).toMatch(new RegExp(`^http://tessera\\.test:${PORT}/s/`));
    // Anything else is still refused.
    const foreign = await rawRequest(server.url, { path: "/api/projects", headers: { host: `rebind.attacker.test:${PORT}` } });
    expect(foreign.status).toBe(421);
    expect(JSON.parse(foreign.body).error.message).toBe(
      `This server answers only to 127.0.0.1:${PORT}, localhost:${PORT}, [::1]:${PORT}, ${appHost}, alias.test. To reach it by another name, set APP_URL or ALLOWED_HOSTS.`,
    );
  } finally {
    await server.stop();
  }
});

test("a slow body is closed at the deadline and counted: the caller's next body is refused at once", async () => {
  // Scaled so the slow-body budget is 2 (of 5): two slow requests spend it.
  const server = await startServer("edge-slow-body", { RATE_LIMIT_SCALE: "0.4" });
  try {
    const headers = { host: `127.0.0.1:${PORT}`, origin: server.url, ...JSON_HEADERS };
    // The attack from the issue: one byte every 4.5 s (here every 2 s), which held a connection 150 s.
    const slow = () => dribblePost(server.url, { path: "/api/preferences", headers, length: 100, everyMs: 2_000, giveUpMs: 90_000 });
    const outcomes = await Promise.all([slow(), slow()]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe(408);
      expect(JSON.parse(outcome.body).error).toMatchObject({ code: "timeout:body", message: expect.stringContaining("arrived too slowly") });
      // Not before the grace (10 s), and closed by the server right after answering, long before
      // any server-wide timeout (requestTimeout is 212 s).
      expect(outcome.answeredAfterMs).toBeGreaterThanOrEqual(9_000);
      expect(outcome.closedAfterMs - outcome.answeredAfterMs).toBeLessThan(5_000);
      expect(outcome.closedAfterMs).toBeLessThan(60_000);
      expect(outcome.sentBeforeAnswer).toBeLessThan(100);
    }
    expect(securityEvents(server, "body.slow")).toHaveLength(2);

    // Counted: the same caller's next request with a body is refused before it is read, however fast.
    const next = await rawRequest(server.url, { method: "POST", path: "/api/preferences", headers, body: JSON.stringify({ theme: "dark", codeFontSize: 14 }) });
    expect(next.status).toBe(429);
    expect(Number(next.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(next.body).error.message).toMatch(/sent their body too slowly/);
    expect(securityEvents(server, "ratelimit.blocked").map((e) => e.rule)).toEqual(["slowBody"]);
    // Requests without a body still work.
    expect((await rawRequest(server.url, { path: "/api/preferences", headers })).status).toBe(200);
  } finally {
    await server.stop();
  }
});

test("viewers running a shared link exhaust their own limits, and the owner's own run still succeeds", async () => {
  // Scaled so each viewer address has 1 run a minute, the link 3, and the owner 2 of their own; a
  // trusted proxy in front lets each viewer come from its own address.
  const server = await startServer("edge-share-viewers", { RATE_LIMIT_SCALE: "0.05", TRUST_PROXY: "1" });
  try {
    const owner = { host: `127.0.0.1:${PORT}`, origin: server.url, ...JSON_HEADERS };
    const call = (path: string, body: unknown, headers: Record<string, string> = owner) => rawRequest(server.url, { method: "POST", path, headers, body: JSON.stringify(body) });
    expect((await call("/api/projects", { id: "shared", title: "Shared" })).status).toBe(201);
    expect((await call("/api/projects/shared/versions", { version: htmlVersion() })).status).toBe(201);
    const token = (JSON.parse((await call("/api/projects/shared/shares", { version: 1 })).body) as { share: { url: string } }).share.url.split("/s/")[1]!;

    const view = (address: string) => call(`/api/shares/${token}/run`, {}, { ...owner, "x-forwarded-for": address });
    const statuses: Record<string, number[]> = {};
    for (const address of ["198.51.100.1", "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"]) {
      const res = await view(address);
      (statuses[address] ??= []).push(res.status);
      if (res.status === 200) expect(lastLine(res.body).type, res.body).toBe("result");
    }
    // Per address: the second run from the first viewer waits. Per link: after three runs in all,
    // every further viewer waits too.
    expect(statuses).toEqual({ "198.51.100.1": [200, 429], "198.51.100.2": [200], "198.51.100.3": [200], "198.51.100.4": [429], "198.51.100.5": [429] });
    const linkRefusal = await view("198.51.100.6");
    expect(JSON.parse(linkRefusal.body).error.message).toMatch(/run too often by its viewers/);

    // The owner's own run is untouched by all of that.
    const { template, files, dependencies, entry, port } = htmlVersion();
    const own = await call("/api/sandbox", { projectId: "shared", state: { template, files, dependencies, entry, port } });
    expect(own.status, own.body).toBe(200);
    expect(lastLine(own.body).type, own.body).toBe("result");
  } finally {
    await server.stop();
  }
});

function htmlVersion() {
  return {
    n: 1,
    createdAt: new Date().toISOString(),
    source: "edit",
    title: "Shared",
    template: "html",
    files: [{ path: "index.html", content: "<!doctype html><p>shared</p>" }],
    dependencies: { npm: [], pip: [] },
    entry: "index.html",
    port: null,
  };
}

function lastLine(ndjson: string): { type: string } {
  const lines = ndjson.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as { type: string };
}
