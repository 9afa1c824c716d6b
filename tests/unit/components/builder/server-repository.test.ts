import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { ApiError, type Fetch } from "@/components/builder/api";
import { RepositoryError } from "@/components/builder/state/repository";
import { serverRepository, toSavedMessage } from "@/components/builder/state/server-repository";
import { removeMessage } from "@/components/builder/state/project";
import type { BuilderMessage, Project } from "@/components/builder/types";
import { PROJECT_LIMITS, savedMessageSchema, type ProjectDocument, type SavedMessage, type SavedProject, type SavedVersion } from "@/lib/projects/schema";
import { fragment, NOW, reduce, userMessage, withFirstVersion } from "./fixtures";

const LATER = "2026-11-01T10:05:00.000Z";
const LATEST = "2026-11-01T10:10:00.000Z";

interface Call {
  method: string;
  url: string;
  body: unknown;
}

/** What the fake server keeps of a project: the saved shape, without a last run. */
type Stored = Omit<SavedProject, "lastRun">;

type Failure = number | "down";

/**
 * A small in-memory /api/projects: enough routes for the repository, the server's error shape,
 * and hooks to refuse a version (400), fail a request (500 or no connection) or hold one.
 */
class FakeServer {
  readonly calls: Call[] = [];
  readonly projects = new Map<string, Stored>();
  /** Version numbers answered 400 (too big, say). */
  readonly refusedVersions = new Set<number>();
  /** Consulted for every request; a status or "down" fails it instead of answering. */
  failWhen: (call: Call) => Failure | undefined = () => undefined;
  /** Consulted for every request; a promise returned is awaited before answering. */
  holdWhen: (call: Call) => Promise<void> | undefined = () => undefined;

  readonly fetch: Fetch = async (url, init) => {
    const call: Call = { method: init.method ?? "GET", url, body: typeof init.body === "string" ? JSON.parse(init.body) : undefined };
    this.calls.push(call);
    await this.holdWhen(call);
    const failure = this.failWhen(call);
    if (failure === "down") throw new TypeError("Failed to fetch");
    if (failure !== undefined) return this.error(failure, "internal", "Something went wrong.");
    return this.route(call);
  };

  /** The calls as "METHOD url" lines, to compare orders at a glance. */
  lines(from = 0): string[] {
    return this.calls.slice(from).map((c) => `${c.method} ${c.url}`);
  }

  private json(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }

  private error(status: number, code: string, message: string): Response {
    return this.json(status, { error: { code, message, requestId: `req-${this.calls.length}` } });
  }

  private notFound(): Response {
    return this.error(404, "not_found", "No project with this id.");
  }

  private route({ method, url, body }: Call): Response {
    const b = body as Record<string, never>;
    if (url === "/api/projects" && method === "POST") {
      const input = b as unknown as { id: string; title: string; createdAt: string };
      const existing = this.projects.get(input.id);
      if (existing) return this.json(200, { project: existing });
      const p: Stored = { id: input.id, title: input.title, createdAt: input.createdAt, updatedAt: input.createdAt, currentVersion: 0, messages: [], versions: [] };
      this.projects.set(p.id, p);
      return this.json(201, { project: p });
    }
    if ((url === "/api/projects" || url.startsWith("/api/projects?")) && method === "GET") return this.json(200, { projects: [] });
    const m = /^\/api\/projects\/([^/]+)(\/versions|\/messages(?:\/([^/]+))?|\/restore)?$/.exec(url);
    if (!m) return this.error(404, "not_found", "No such route.");
    const project = this.projects.get(decodeURIComponent(m[1]!));
    if (!project) return this.notFound();
    const [, , sub, messageId] = m;
    if (sub === undefined && method === "GET") return this.json(200, { project: documentOf(project) });
    if (sub === undefined && method === "PATCH") {
      const patch = b as unknown as { title?: string; currentVersion?: number };
      if (patch.currentVersion !== undefined && patch.currentVersion !== 0 && !project.versions.some((v) => v.n === patch.currentVersion)) {
        return this.error(400, "bad_request:validation", `Version ${patch.currentVersion} does not exist in this project.`);
      }
      Object.assign(project, patch);
      return this.json(200, { project });
    }
    if (sub === undefined && method === "DELETE") {
      this.projects.delete(project.id);
      return this.json(200, { deleted: true });
    }
    if (sub === "/versions" && method === "POST") {
      const version = (b as unknown as { version: SavedVersion }).version;
      if (this.refusedVersions.has(version.n)) return this.error(400, "bad_request:validation", "version.files: the files add up to more than 2 MiB.");
      if (project.versions.some((v) => v.n === version.n)) return this.json(200, { saved: true, n: version.n });
      project.versions.push(version);
      return this.json(201, { saved: true, n: version.n });
    }
    if (sub === "/messages" && method === "POST") {
      const message = (b as unknown as { message: SavedMessage }).message;
      if (project.messages.some((x) => x.id === message.id)) return this.json(200, { saved: true });
      project.messages.push(message);
      return this.json(201, { saved: true });
    }
    if (sub?.startsWith("/messages/") && method === "DELETE") {
      const id = decodeURIComponent(messageId!);
      if (!project.messages.some((x) => x.id === id)) return this.error(404, "not_found", "No message with this id.");
      project.messages = project.messages.filter((x) => x.id !== id);
      return this.json(200, { deleted: true });
    }
    return this.error(405, "method_not_allowed", "No such method.");
  }
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** What GET /api/projects/:id answers: each distinct content once, versions naming it by hash. */
function documentOf(p: Stored): ProjectDocument {
  const blobs: Record<string, string> = {};
  const versions = p.versions.map((v) => ({
    ...v,
    files: v.files.map((f) => {
      blobs[sha(f.content)] = f.content;
      return { path: f.path, blob: sha(f.content) };
    }),
  }));
  return { id: p.id, title: p.title, createdAt: p.createdAt, updatedAt: p.updatedAt, currentVersion: p.currentVersion, messages: p.messages, versions, blobs };
}

function setup(options: { onWarning?: (message: string) => void } = {}) {
  const server = new FakeServer();
  const repo = serverRepository({ fetch: server.fetch, ...options });
  return { server, repo };
}

/** Follow-up turn: another user message and a model answer, making a new version current. */
function followUp(project: Project, n: number, now = LATER): Project {
  const state = reduce(
    { ...withFirstVersion(), project },
    { type: "message/user", message: userMessage(`u${n}`, `Change ${n}`), now },
    { type: "turn/start", turn: { assistantId: `a${n}`, userMessageId: `u${n}`, autoFix: false }, now },
    {
      type: "turn/fragment",
      fragment: fragment({ title: `Counter ${n}`, files: [{ path: "src/styles.css", content: `p { color: #${n}${n}${n}; }` }] }),
      mode: "native",
      now,
    },
  );
  return state.project;
}

/** Version 1 from the fixtures, then versions 2 and 3 from follow-ups (messages u1 a1 u2 a2 u3 a3). */
const threeVersions = (): Project => followUp(followUp(withFirstVersion().project, 2), 3);

/** What a stored project should equal for `project` (as the server keeps it). */
function expectStored(server: FakeServer, project: Project) {
  const stored = server.projects.get(project.id);
  expect(stored).toBeDefined();
  expect(stored!.title).toBe(project.title);
  expect(stored!.currentVersion).toBe(project.currentVersion);
  expect(stored!.messages.map((m) => m.id)).toEqual(project.messages.map((m) => m.id));
  expect(stored!.versions.map((v) => v.n).sort()).toEqual(project.versions.map((v) => v.n).sort());
}

const withMessage = (project: Project, message: BuilderMessage): Project => ({ ...project, messages: [...project.messages, message], updatedAt: LATEST });

describe("serverRepository.save", () => {
  it("first creates the project, then its versions in ascending order, its messages, then title and current version", async () => {
    const { server, repo } = setup();
    const project = threeVersions();
    // The order in the project's array does not decide the order of the requests.
    await repo.save({ ...project, versions: [...project.versions].reverse() });
    expect(server.lines()).toEqual([
      "POST /api/projects",
      "POST /api/projects/p1/versions",
      "POST /api/projects/p1/versions",
      "POST /api/projects/p1/versions",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "PATCH /api/projects/p1",
    ]);
    expect(server.calls[0]!.body).toEqual({ id: "p1", title: project.title, createdAt: project.createdAt });
    expect(server.calls.slice(1, 4).map((c) => (c.body as { version: SavedVersion }).version.n)).toEqual([1, 2, 3]);
    expect(server.calls.slice(4, 10).map((c) => (c.body as { message: SavedMessage }).message.id)).toEqual(["u1", "a1", "u2", "a2", "u3", "a3"]);
    expect(server.calls[10]!.body).toEqual({ title: "Counter", currentVersion: 3 });
    expectStored(server, project);
  });

  it("sends each version whole and each message as toSavedMessage makes it", async () => {
    const { server, repo } = setup();
    const project = withFirstVersion().project;
    await repo.save(project);
    const version = (server.calls[1]!.body as { version: SavedVersion }).version;
    expect(version).toEqual({ ...project.versions[0] });
    expect((server.calls[2]!.body as { message: SavedMessage }).message).toEqual(toSavedMessage(project.messages[0]!));
    expect(server.calls.every((c) => c.method === "GET" || c.body !== undefined)).toBe(true);
  });

  it("sends only a POST for an empty new project (no version to point at, the title already sent)", async () => {
    const { server, repo } = setup();
    const empty: Project = { id: "e1", title: "Untitled project", createdAt: NOW, updatedAt: NOW, messages: [], versions: [], currentVersion: 0 };
    await repo.save(empty);
    expect(server.lines()).toEqual(["POST /api/projects"]);
  });

  it("sends nothing when nothing changed since the last save", async () => {
    const { server, repo } = setup();
    const project = threeVersions();
    await repo.save(project);
    const before = server.calls.length;
    await repo.save(project);
    // A new updatedAt alone is not a change the server is told about.
    await repo.save({ ...project, updatedAt: LATEST });
    expect(server.calls.length).toBe(before);
  });

  it("sends exactly one request for one new message", async () => {
    const { server, repo } = setup();
    const project = withFirstVersion().project;
    await repo.save(project);
    const before = server.calls.length;
    await repo.save(withMessage(project, userMessage("u9", "One more thing")));
    expect(server.lines(before)).toEqual(["POST /api/projects/p1/messages"]);
    expect((server.calls[before]!.body as { message: SavedMessage }).message).toMatchObject({ id: "u9", content: "One more thing" });
  });

  it("deletes a removed message, and takes a 404 for it as already gone", async () => {
    const { server, repo } = setup();
    const project = withMessage(withFirstVersion().project, userMessage("u9", "Retry me"));
    await repo.save(project);
    let before = server.calls.length;
    await repo.save(removeMessage(project, "u9", LATEST));
    expect(server.lines(before)).toEqual(["DELETE /api/projects/p1/messages/u9"]);
    expect(server.projects.get("p1")!.messages.map((m) => m.id)).toEqual(["u1", "a1"]);

    // Removed on the server already (another tab): the 404 is not an error, and it is not asked again.
    const again = withMessage(project, userMessage("u10", "Another"));
    await repo.save(again);
    server.projects.get("p1")!.messages = server.projects.get("p1")!.messages.filter((m) => m.id !== "u10");
    before = server.calls.length;
    await expect(repo.save(removeMessage(again, "u10", LATEST))).resolves.toBeUndefined();
    expect(server.lines(before)).toEqual(["DELETE /api/projects/p1/messages/u10"]);
    before = server.calls.length;
    await repo.save(removeMessage(again, "u10", LATEST));
    expect(server.calls.length).toBe(before);
  });

  it("encodes ids in the path", async () => {
    const { server, repo } = setup();
    await repo.save({ ...withFirstVersion().project, id: "a b/c" });
    expect(server.calls[1]!.url).toBe("/api/projects/a%20b%2Fc/versions");
  });

  it("sends one PATCH for a new title", async () => {
    const { server, repo } = setup();
    const project = withFirstVersion().project;
    await repo.save(project);
    const before = server.calls.length;
    await repo.save({ ...project, title: "Renamed", updatedAt: LATEST });
    expect(server.lines(before)).toEqual(["PATCH /api/projects/p1"]);
    expect(server.calls[before]!.body).toEqual({ title: "Renamed", currentVersion: 1 });
    expect(server.projects.get("p1")!.title).toBe("Renamed");
  });

  it("sends one PATCH for another current version", async () => {
    const { server, repo } = setup();
    const project = threeVersions();
    await repo.save(project);
    const before = server.calls.length;
    await repo.save({ ...project, currentVersion: 1 });
    expect(server.lines(before)).toEqual(["PATCH /api/projects/p1"]);
    expect(server.calls[before]!.body).toEqual({ title: project.title, currentVersion: 1 });
  });

  it("skips a version the server refuses (saying so once), saves the later ones, and does not send it again", async () => {
    const onWarning = vi.fn();
    const { server, repo } = setup({ onWarning });
    server.refusedVersions.add(2);
    const project = threeVersions();
    await expect(repo.save(project)).resolves.toBeUndefined();
    expect(onWarning).toHaveBeenCalledTimes(1);
    expect(onWarning.mock.calls[0]![0]).toContain("Version 2");
    expect(onWarning.mock.calls[0]![0]).toContain("2 MiB");
    expect(server.projects.get("p1")!.versions.map((v) => v.n)).toEqual([1, 3]);
    expect(server.projects.get("p1")!.messages).toHaveLength(6);
    expect(server.projects.get("p1")!.currentVersion).toBe(3);

    const before = server.calls.length;
    await repo.save(project);
    await repo.save(withMessage(project, userMessage("u9")));
    expect(server.lines(before)).toEqual(["POST /api/projects/p1/messages"]);
    expect(onWarning).toHaveBeenCalledTimes(1);
  });

  it("does not point the current version at a refused one", async () => {
    const onWarning = vi.fn();
    const { server, repo } = setup({ onWarning });
    await repo.save(withFirstVersion().project);
    expect(server.projects.get("p1")!.currentVersion).toBe(1);
    const two = followUp(withFirstVersion().project, 2);
    server.refusedVersions.add(2);
    const before = server.calls.length;
    await repo.save(two);
    expect(onWarning).toHaveBeenCalledTimes(1);
    // Version 2 is current in the browser, but the server does not have it: its current stays 1
    // (no PATCH at all, since the title did not change either).
    expect(server.lines(before)).toEqual(["POST /api/projects/p1/versions", "POST /api/projects/p1/messages", "POST /api/projects/p1/messages"]);
    expect(server.projects.get("p1")!.currentVersion).toBe(1);
    // A rename later still sends the last current version the server has.
    await repo.save({ ...two, title: "Renamed" });
    expect(server.calls.at(-1)).toEqual({ method: "PATCH", url: "/api/projects/p1", body: { title: "Renamed", currentVersion: 1 } });
  });

  it("rejects on a 500 and sends the same changes again on the next save", async () => {
    const { server, repo } = setup();
    const project = threeVersions();
    let fail = true;
    server.failWhen = (c) => (fail && c.url.endsWith("/versions") && (c.body as { version: SavedVersion }).version.n === 2 ? 500 : undefined);
    const error = await repo.save(project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    // Stopped at the failure: nothing after it was sent.
    expect(server.lines()).toEqual(["POST /api/projects", "POST /api/projects/p1/versions", "POST /api/projects/p1/versions"]);

    fail = false;
    const before = server.calls.length;
    await repo.save(project);
    const resent = server.calls.slice(before);
    expect(resent.filter((c) => c.url.endsWith("/versions")).map((c) => (c.body as { version: SavedVersion }).version.n)).toEqual([2, 3]);
    expect(resent.filter((c) => c.url.endsWith("/messages"))).toHaveLength(6);
    expect(resent.at(-1)).toMatchObject({ method: "PATCH", body: { title: project.title, currentVersion: 3 } });
    expectStored(server, project);
  });

  it("does not skip a version on a 500 (only refusals are skipped)", async () => {
    const onWarning = vi.fn();
    const { server, repo } = setup({ onWarning });
    server.failWhen = (c) => (c.url.endsWith("/versions") ? 503 : undefined);
    await expect(repo.save(withFirstVersion().project)).rejects.toBeInstanceOf(ApiError);
    await expect(repo.save(withFirstVersion().project)).rejects.toBeInstanceOf(ApiError);
    expect(onWarning).not.toHaveBeenCalled();
    expect(server.lines().filter((l) => l.endsWith("/versions"))).toHaveLength(2);
  });

  it.each([401, 403, 429])("does not skip a version on a %i (signed out, refused origin, limited): it is sent again", async (status) => {
    const onWarning = vi.fn();
    const { server, repo } = setup({ onWarning });
    let fail = true;
    server.failWhen = (c) => (fail && c.url.endsWith("/versions") ? status : undefined);
    await expect(repo.save(withFirstVersion().project)).rejects.toMatchObject({ status });
    fail = false;
    await repo.save(withFirstVersion().project);
    expect(onWarning).not.toHaveBeenCalled();
    expect(server.lines().filter((l) => l.endsWith("/versions"))).toHaveLength(2);
    expectStored(server, withFirstVersion().project);
  });

  it("rejects when the server cannot be reached, and sends everything again next time", async () => {
    const { server, repo } = setup();
    const project = withFirstVersion().project;
    server.failWhen = () => "down";
    const error = await repo.save(project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryError);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(repo.known("p1")).toBe(false);

    server.failWhen = () => undefined;
    const before = server.calls.length;
    await repo.save(project);
    expect(server.lines(before)).toEqual([
      "POST /api/projects",
      "POST /api/projects/p1/versions",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "PATCH /api/projects/p1",
    ]);
    expectStored(server, project);
  });

  it("resends a message, a deletion and a title that failed, once the server answers again", async () => {
    const { server, repo } = setup();
    const base = withMessage(withFirstVersion().project, userMessage("u9", "Remove me"));
    await repo.save(base);
    const changed = { ...withMessage(removeMessage(base, "u9", LATEST), userMessage("u10", "New")), title: "New title" };
    // The new message fails: the deletion before it went through, the title after it was not sent.
    server.failWhen = (c) => (c.url.endsWith("/messages") && c.method === "POST" ? 502 : undefined);
    let before = server.calls.length;
    await expect(repo.save(changed)).rejects.toBeInstanceOf(ApiError);
    expect(server.lines(before)).toEqual(["DELETE /api/projects/p1/messages/u9", "POST /api/projects/p1/messages"]);
    // Then the title fails: the message is sent again (and saved), the deletion is not repeated.
    server.failWhen = (c) => (c.method === "PATCH" ? "down" : undefined);
    before = server.calls.length;
    await expect(repo.save(changed)).rejects.toBeInstanceOf(RepositoryError);
    expect(server.lines(before)).toEqual(["POST /api/projects/p1/messages", "PATCH /api/projects/p1"]);
    // Then only the title is still owed.
    server.failWhen = () => undefined;
    before = server.calls.length;
    await repo.save(changed);
    expect(server.lines(before)).toEqual(["PATCH /api/projects/p1"]);
    expect(server.calls.at(-1)!.body).toEqual({ title: "New title", currentVersion: 1 });
    expectStored(server, changed);
  });

  it("runs saves of one project one after another", async () => {
    const { server, repo } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.holdWhen = (c) => (c.method === "POST" && c.url === "/api/projects" ? gate : undefined);
    const first = withFirstVersion().project;
    const second = { ...withMessage(first, userMessage("u9", "Next")), title: "Second" };
    const a = repo.save(first);
    const b = repo.save(second);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The second save has not started while the first one waits on the server.
    expect(server.lines()).toEqual(["POST /api/projects"]);
    release();
    await Promise.all([a, b]);
    expect(server.lines()).toEqual([
      "POST /api/projects",
      "POST /api/projects/p1/versions",
      "POST /api/projects/p1/messages",
      "POST /api/projects/p1/messages",
      "PATCH /api/projects/p1",
      // The second save: only what the first did not send.
      "POST /api/projects/p1/messages",
      "PATCH /api/projects/p1",
    ]);
    expect((server.calls[5]!.body as { message: SavedMessage }).message.id).toBe("u9");
    expect(server.calls[6]!.body).toEqual({ title: "Second", currentVersion: 1 });
  });

  it("runs the next save of a project after one that failed", async () => {
    const { server, repo } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.holdWhen = (c) => (c.url.endsWith("/versions") ? gate : undefined);
    // Only the first version request fails.
    server.failWhen = (c) => (c === server.calls[1] ? 500 : undefined);
    const project = withFirstVersion().project;
    const a = repo.save(project);
    const b = repo.save(project);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.lines()).toEqual(["POST /api/projects", "POST /api/projects/p1/versions"]);
    release();
    await expect(a).rejects.toBeInstanceOf(ApiError);
    await expect(b).resolves.toBeUndefined();
    expect(server.lines().slice(2)).toEqual(["POST /api/projects/p1/versions", "POST /api/projects/p1/messages", "POST /api/projects/p1/messages", "PATCH /api/projects/p1"]);
  });

  it("does not make one project's save wait for another's", async () => {
    const { server, repo } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.holdWhen = (c) => ((c.body as { id?: string } | undefined)?.id === "p1" ? gate : undefined);
    const a = repo.save(withFirstVersion().project);
    await repo.save({ ...withFirstVersion().project, id: "p2" });
    expect(server.projects.has("p2")).toBe(true);
    expect(server.projects.has("p1")).toBe(false);
    release();
    await a;
    expect(server.projects.has("p1")).toBe(true);
  });
});

describe("serverRepository.load", () => {
  function storedDocument(): ProjectDocument {
    const shared = "export default function App() { return <p>0</p>; }";
    return {
      id: "srv",
      title: "From the server",
      createdAt: NOW,
      updatedAt: LATER,
      currentVersion: 2,
      lastRun: { version: 2, at: LATER, result: { kind: "preview", url: "https://preview.example/x", sandboxId: "s", durationMs: 5 } },
      messages: [toSavedMessage(userMessage("m1", "Build it")), { id: "m2", role: "assistant", content: "Built.", createdAt: NOW, version: 1, mode: "json" }],
      versions: [
        {
          n: 1,
          createdAt: NOW,
          source: "model",
          title: "One",
          template: "react",
          files: [
            { path: "src/App.tsx", blob: "h-app" },
            { path: "src/styles.css", blob: "h-red" },
          ],
          dependencies: { npm: [], pip: [] },
          entry: "src/App.tsx",
          port: null,
        },
        {
          n: 2,
          createdAt: LATER,
          source: "edit",
          title: "One",
          template: "react",
          files: [
            { path: "src/App.tsx", blob: "h-app" },
            { path: "src/styles.css", blob: "h-blue" },
          ],
          dependencies: { npm: ["zod"], pip: [] },
          entry: "src/App.tsx",
          port: 3000,
          parent: 1,
        },
      ],
      blobs: { "h-app": shared, "h-red": "p { color: red; }", "h-blue": "p { color: blue; }" },
    };
  }

  /** A fetch that answers GET /api/projects/srv with `doc`, recording every call. */
  function documentServer(doc: ProjectDocument | null) {
    const server = new FakeServer();
    const calls: Call[] = [];
    const fetchImpl: Fetch = async (url, init) => {
      if ((init.method ?? "GET") === "GET" && url === "/api/projects/srv") {
        calls.push({ method: "GET", url, body: undefined });
        return doc
          ? new Response(JSON.stringify({ project: doc }), { status: 200 })
          : new Response(JSON.stringify({ error: { code: "not_found", message: "No project with this id.", requestId: "r1" } }), { status: 404 });
      }
      return server.fetch(url, init);
    };
    return { server, calls, repo: serverRepository({ fetch: fetchImpl }) };
  }

  it("turns the server's document into a project with its files' contents", async () => {
    const { repo, calls } = documentServer(storedDocument());
    const project = await repo.load("srv");
    expect(calls).toEqual([{ method: "GET", url: "/api/projects/srv", body: undefined }]);
    expect(project).not.toBeNull();
    expect(project!).toMatchObject({ id: "srv", title: "From the server", createdAt: NOW, updatedAt: LATER, currentVersion: 2 });
    expect(project!.lastRun).toEqual(storedDocument().lastRun);
    expect(project!.messages.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(project!.versions.map((v) => v.files)).toEqual([
      [
        { path: "src/App.tsx", content: "export default function App() { return <p>0</p>; }" },
        { path: "src/styles.css", content: "p { color: red; }" },
      ],
      [
        { path: "src/App.tsx", content: "export default function App() { return <p>0</p>; }" },
        { path: "src/styles.css", content: "p { color: blue; }" },
      ],
    ]);
    expect(project!.versions[1]).toMatchObject({ n: 2, source: "edit", dependencies: { npm: ["zod"], pip: [] }, port: 3000, parent: 1 });
  });

  it("leaves lastRun out when the server has none", async () => {
    const doc = storedDocument();
    delete doc.lastRun;
    const project = await documentServer(doc).repo.load("srv");
    expect(project).not.toHaveProperty("lastRun");
  });

  it("is null for a project the server does not have", async () => {
    const { repo } = documentServer(null);
    await expect(repo.load("srv")).resolves.toBeNull();
    expect(repo.known("srv")).toBe(false);
  });

  it("rejects a server error rather than saying the project is missing", async () => {
    const server = new FakeServer();
    server.failWhen = () => 500;
    await expect(serverRepository({ fetch: server.fetch }).load("p1")).rejects.toMatchObject({ status: 500 });
    server.failWhen = () => "down";
    await expect(serverRepository({ fetch: server.fetch }).load("p1")).rejects.toBeInstanceOf(RepositoryError);
  });

  it("rejects a document that lacks a file's content", async () => {
    const doc = storedDocument();
    delete doc.blobs["h-blue"];
    await expect(documentServer(doc).repo.load("srv")).rejects.toThrow("src/styles.css");
  });

  it("knows the loaded project: saving it unchanged sends nothing, a change sends only itself", async () => {
    const { repo, server } = documentServer(storedDocument());
    const project = (await repo.load("srv"))!;
    expect(repo.known("srv")).toBe(true);
    await repo.save(project);
    expect(server.calls).toEqual([]);
    server.projects.set("srv", { id: "srv", title: project.title, createdAt: NOW, updatedAt: LATER, currentVersion: 2, messages: [], versions: [] });
    await repo.save(withMessage(project, userMessage("m3", "More")));
    expect(server.lines()).toEqual(["POST /api/projects/srv/messages"]);
  });

  it("round-trips: a project saved by one browser loads equal in another", async () => {
    const server = new FakeServer();
    const project = threeVersions();
    await serverRepository({ fetch: server.fetch }).save(project);
    const other = serverRepository({ fetch: server.fetch });
    const loaded = await other.load("p1");
    expect({ ...loaded!, updatedAt: project.updatedAt }).toEqual(project);
    const before = server.calls.length;
    await other.save(loaded!);
    expect(server.calls.length).toBe(before);
  });
});

describe("serverRepository.known", () => {
  it("is false before the first successful save and true after", async () => {
    const { server, repo } = setup();
    expect(repo.known("p1")).toBe(false);
    server.failWhen = (c) => (c.url === "/api/projects" ? 500 : undefined);
    await expect(repo.save(withFirstVersion().project)).rejects.toBeInstanceOf(ApiError);
    expect(repo.known("p1")).toBe(false);
    server.failWhen = () => undefined;
    await repo.save(withFirstVersion().project);
    expect(repo.known("p1")).toBe(true);
    expect(repo.known("p2")).toBe(false);
  });

  it("is true once the project is created, even if a later request of that save failed", async () => {
    const { server, repo } = setup();
    server.failWhen = (c) => (c.url.endsWith("/versions") ? "down" : undefined);
    await expect(repo.save(withFirstVersion().project)).rejects.toBeInstanceOf(RepositoryError);
    expect(repo.known("p1")).toBe(true);
  });
});

describe("serverRepository: list, rename, remove, restore", () => {
  it("lists with a trimmed, encoded search", async () => {
    const { server, repo } = setup();
    await repo.list();
    await repo.list("  a&b c ");
    await repo.list("   ");
    expect(server.lines()).toEqual(["GET /api/projects", "GET /api/projects?q=a%26b%20c", "GET /api/projects"]);
  });

  it("a rename through the repository is not sent again by the next save", async () => {
    const { server, repo } = setup();
    const project = withFirstVersion().project;
    await repo.save(project);
    await repo.rename("p1", "Renamed");
    const before = server.calls.length;
    await repo.save({ ...project, title: "Renamed" });
    expect(server.calls.length).toBe(before);
    expect(server.calls[before - 1]).toEqual({ method: "PATCH", url: "/api/projects/p1", body: { title: "Renamed" } });
  });

  it("waits for a save in flight before deleting the project", async () => {
    const { server, repo } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.holdWhen = (c) => (c.url === "/api/projects" ? gate : undefined);
    const saving = repo.save(withFirstVersion().project);
    const removing = repo.remove("p1");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.lines()).toEqual(["POST /api/projects"]);
    release();
    await Promise.all([saving, removing]);
    expect(server.lines().at(-1)).toBe("DELETE /api/projects/p1");
    expect(server.projects.has("p1")).toBe(false);
  });
});

describe("toSavedMessage", () => {
  it("caps the content at PROJECT_LIMITS.maxMessageChars", () => {
    const long = "x".repeat(PROJECT_LIMITS.maxMessageChars + 500);
    const saved = toSavedMessage(userMessage("u1", long));
    expect(saved.content).toHaveLength(PROJECT_LIMITS.maxMessageChars);
    expect(savedMessageSchema.safeParse(saved).success).toBe(true);
    expect(toSavedMessage(userMessage("u1", "short")).content).toBe("short");
  });

  it("caps the other long fields the server limits", () => {
    const saved = toSavedMessage({
      id: "a1",
      role: "assistant",
      content: "",
      createdAt: NOW,
      fixOf: "f".repeat(9000),
      model: "m".repeat(300),
      error: { code: "internal", message: "e".repeat(5000), retryable: true },
    });
    expect(saved.fixOf).toHaveLength(8000);
    expect(saved.model).toHaveLength(200);
    expect(saved.error!.message).toHaveLength(4000);
    expect(savedMessageSchema.safeParse(saved).success).toBe(true);
  });

  it("drops empty optional fields", () => {
    const saved = toSavedMessage({
      id: "u1",
      role: "user",
      content: "hi",
      createdAt: NOW,
      images: [],
      autoFix: false,
      model: "",
      error: undefined,
      mode: undefined,
      version: undefined,
      fixOf: undefined,
    });
    expect(saved).toEqual({ id: "u1", role: "user", content: "hi", createdAt: NOW });
    expect(Object.keys(saved).sort()).toEqual(["content", "createdAt", "id", "role"]);
  });

  it("keeps the fields that are set, without empty image names or request ids", () => {
    const saved = toSavedMessage({
      id: "a1",
      role: "assistant",
      content: "Built.",
      createdAt: NOW,
      version: 2,
      fixOf: "TypeError: x is undefined",
      autoFix: true,
      mode: "json",
      model: "GPT",
      images: [
        { mediaType: "image/png", data: "iVBORw0KGgo=", name: "" },
        { mediaType: "image/jpeg", data: "", name: "photo.jpg" },
      ],
      error: { code: "internal", message: "Oops", retryable: false, requestId: "" },
    });
    expect(saved).toEqual({
      id: "a1",
      role: "assistant",
      content: "Built.",
      createdAt: NOW,
      version: 2,
      fixOf: "TypeError: x is undefined",
      autoFix: true,
      mode: "json",
      model: "GPT",
      images: [
        { mediaType: "image/png", data: "iVBORw0KGgo=" },
        { mediaType: "image/jpeg", data: "", name: "photo.jpg" },
      ],
      error: { code: "internal", message: "Oops", retryable: false },
    });
    expect(savedMessageSchema.safeParse(saved).success).toBe(true);
  });

  it("does not carry fields the server does not keep", () => {
    const message = { ...userMessage("u1"), extra: "not saved" } as BuilderMessage;
    expect(toSavedMessage(message)).not.toHaveProperty("extra");
  });
});
