import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orm } from "@/lib/db/open";
import {
  addMessage,
  addVersion,
  createProject,
  createShare,
  deleteProject,
  deleteUserKey,
  endStaleSandboxes,
  findSandbox,
  findUserKey,
  listMessages,
  listProjects,
  listSandboxes,
  listShares,
  listUserKeys,
  loadPreview,
  markSandboxEnded,
  purgeDeletedProjects,
  readProjectDocument,
  readVersions,
  recordSandbox,
  removeMessage,
  requireProject,
  resolveShare,
  restoreProject,
  revokeShare,
  savePreview,
  saveUserKey,
  setLastRun,
  updateProject,
} from "@/lib/db/queries";
import { expandVersions, type SavedMessage, type SavedVersion } from "@/lib/projects/schema";
import { testDatabases, type TestDatabase } from "./databases";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

const message = (id: string, content = "hello", extra: Partial<SavedMessage> = {}): SavedMessage => ({
  id,
  role: "user",
  content,
  createdAt: new Date().toISOString(),
  ...extra,
});

const version = (n: number, files: { path: string; content: string }[], extra: Partial<SavedVersion> = {}): SavedVersion => ({
  n,
  createdAt: new Date().toISOString(),
  source: "model",
  title: `v${n}`,
  template: "react",
  files,
  dependencies: { npm: [], pip: [] },
  entry: "src/App.tsx",
  port: null,
  ...extra,
});

const notFound = { code: "not_found" };

for (const make of testDatabases()) {
  const target: TestDatabase = make();
  describe(`queries on ${target.name}, from an empty database through every migration`, () => {
    let db: Orm;
    beforeAll(async () => {
      db = (await target.open()).orm;
    });
    afterAll(() => target.cleanup());

    it("creates, lists newest first, searches and renames a user's projects", async () => {
      await createProject(db, A, { id: "p-old", title: "Old tracker" });
      await new Promise((r) => setTimeout(r, 5));
      const { created } = await createProject(db, A, { id: "p-new", title: "Weather 50% app" });
      expect(created).toBe(true);
      expect((await createProject(db, A, { id: "p-new", title: "ignored" })).created).toBe(false);
      expect((await listProjects(db, A)).map((p) => p.id)).toEqual(["p-new", "p-old"]);
      expect((await listProjects(db, A, { search: "50%" })).map((p) => p.id)).toEqual(["p-new"]);
      expect((await listProjects(db, A, { search: "%" })).map((p) => p.id)).toEqual(["p-new"]);
      expect(await listProjects(db, A, { search: "tracker" })).toHaveLength(1);
      await updateProject(db, A, "p-old", { title: "Renamed" });
      expect((await listProjects(db, A)).map((p) => [p.id, p.title])).toEqual([
        ["p-old", "Renamed"],
        ["p-new", "Weather 50% app"],
      ]);
    });

    it("keeps users apart: another user's project id names nothing, and the same id is theirs to use", async () => {
      await createProject(db, A, { id: "shared-id", title: "A's" });
      expect(await listProjects(db, B)).toEqual([]);
      await expect(requireProject(db, B, "shared-id")).rejects.toMatchObject(notFound);
      await expect(updateProject(db, B, "shared-id", { title: "hijack" })).rejects.toMatchObject(notFound);
      await expect(addMessage(db, B, "shared-id", message("m1"))).rejects.toMatchObject(notFound);
      await expect(addVersion(db, B, "shared-id", version(1, [{ path: "a.txt", content: "x" }]))).rejects.toMatchObject(notFound);
      await expect(deleteProject(db, B, "shared-id")).rejects.toMatchObject(notFound);
      await expect(readProjectDocument(db, B, "shared-id")).rejects.toMatchObject(notFound);
      // B's own project under the same id is a different project.
      await createProject(db, B, { id: "shared-id", title: "B's" });
      expect((await requireProject(db, A, "shared-id")).title).toBe("A's");
      expect((await requireProject(db, B, "shared-id")).title).toBe("B's");
    });

    it("saves messages in order, idempotently, and removes one", async () => {
      await createProject(db, A, { id: "chat", title: "Chat" });
      await addMessage(db, A, "chat", message("m1", "first", { images: [{ mediaType: "image/png", data: "iVBORw0KGgo=", name: "a.png" }] }));
      await addMessage(db, A, "chat", message("m2", "second", { role: "assistant", version: 1, mode: "native" }));
      expect((await addMessage(db, A, "chat", message("m1", "first"))).created).toBe(false);
      const list = await listMessages(db, A, "chat");
      expect(list.map((m) => [m.id, m.content])).toEqual([
        ["m1", "first"],
        ["m2", "second"],
      ]);
      expect(list[0]!.images).toEqual([{ mediaType: "image/png", data: "iVBORw0KGgo=", name: "a.png" }]);
      expect(list[1]).toMatchObject({ role: "assistant", version: 1, mode: "native" });
      await removeMessage(db, A, "chat", "m2");
      await expect(removeMessage(db, A, "chat", "m2")).rejects.toMatchObject(notFound);
      expect((await listMessages(db, A, "chat")).map((m) => m.id)).toEqual(["m1"]);
    });

    it("saves versions whole, shares identical contents, accepts a retry and refuses a different one", async () => {
      await createProject(db, A, { id: "v", title: "Versions" });
      const common = { path: "src/Counter.tsx", content: "export const C = 1;\n" };
      await addVersion(db, A, "v", version(1, [{ path: "src/App.tsx", content: "one" }, common]));
      await addVersion(db, A, "v", version(2, [{ path: "src/App.tsx", content: "two" }, common], { parent: 1 }));
      expect((await addVersion(db, A, "v", version(2, [{ path: "src/App.tsx", content: "two" }, common]))).created).toBe(false);
      await expect(addVersion(db, A, "v", version(2, [{ path: "src/App.tsx", content: "other" }]))).rejects.toMatchObject({ code: "conflict" });
      const read = await readVersions(db, A, "v");
      expect(read.map((v) => v.files.map((f) => f.content))).toEqual([
        ["one", common.content],
        ["two", common.content],
      ]);
      expect(read[1]).toMatchObject({ parent: 1, source: "model", template: "react" });
      const doc = await readProjectDocument(db, A, "v");
      expect(Object.keys(doc.blobs)).toHaveLength(3); // "one", "two" and the shared file once
      expect(expandVersions(doc)).toEqual(read);
      await updateProject(db, A, "v", { currentVersion: 2 });
      await expect(updateProject(db, A, "v", { currentVersion: 9 })).rejects.toMatchObject({ code: "bad_request:validation" });
      expect((await requireProject(db, A, "v")).currentVersion).toBe(2);
    });

    it("writes a 100-file version in one transaction: a failure part-way leaves nothing", async () => {
      await createProject(db, A, { id: "big", title: "Big" });
      const files = Array.from({ length: 100 }, (_, i) => ({ path: `src/f${i}.ts`, content: `export const v${i} = ${i};\n`.repeat(50) }));
      await addVersion(db, A, "big", version(1, files));
      expect((await readVersions(db, A, "big", 1))[0]!.files).toHaveLength(100);
      // A duplicate path makes the last chunk's INSERT fail after the version row and earlier chunks.
      const broken = [...files.map((f) => ({ ...f, content: f.content + "//2" })), { path: "src/f99.ts", content: "dup" }];
      await expect(addVersion(db, A, "big", version(2, broken))).rejects.toThrow();
      expect(await readVersions(db, A, "big", 2)).toEqual([]);
      expect((await readProjectDocument(db, A, "big")).versions.map((v) => v.n)).toEqual([1]);
    });

    it("deletes with an undo window, then purges everything under the project", async () => {
      await createProject(db, A, { id: "gone", title: "Gone" });
      await addVersion(db, A, "gone", version(1, [{ path: "a.txt", content: "a" }]));
      await deleteProject(db, A, "gone");
      expect((await listProjects(db, A)).some((p) => p.id === "gone")).toBe(false);
      await expect(requireProject(db, A, "gone")).rejects.toMatchObject(notFound);
      await expect(restoreProject(db, B, "gone")).rejects.toMatchObject(notFound);
      await restoreProject(db, A, "gone");
      expect((await readVersions(db, A, "gone")).length).toBe(1);
      await deleteProject(db, A, "gone");
      // Past the window: pretend it was deleted 11 s ago.
      await db.execute(`update projects set deleted_at = now() - interval '11 seconds' where id = 'gone'` as never);
      await expect(restoreProject(db, A, "gone")).rejects.toMatchObject(notFound);
      expect(await purgeDeletedProjects(db, A)).toBe(1);
      expect(await readVersions(db, A, "gone")).toEqual([]);
    });

    it("remembers the last run", async () => {
      await createProject(db, A, { id: "run", title: "Run" });
      await setLastRun(db, A, "run", { version: 1, at: new Date().toISOString(), result: { kind: "preview", url: "/preview/x/", sandboxId: "s", durationMs: 5 } });
      await setLastRun(db, B, "run", { version: 9, at: new Date().toISOString(), result: { kind: "preview", url: "/evil", sandboxId: "s", durationMs: 5 } });
      expect((await requireProject(db, A, "run")).lastRun).toMatchObject({ version: 1, result: { url: "/preview/x/" } });
    });

    it("shares one version by a token stored only as its hash; revoked, expired or deleted links resolve to nothing", async () => {
      await createProject(db, A, { id: "sh", title: "Shared app" });
      await addVersion(db, A, "sh", version(1, [{ path: "index.html", content: "<h1>hi</h1>" }], { template: "html", entry: "index.html" }));
      await expect(createShare(db, A, "sh", { version: 5, expiresAt: new Date(Date.now() + 60_000) })).rejects.toMatchObject({ code: "bad_request:validation" });
      await expect(createShare(db, B, "sh", { version: 1, expiresAt: new Date(Date.now() + 60_000) })).rejects.toMatchObject(notFound);
      const { share, token } = await createShare(db, A, "sh", { version: 1, expiresAt: new Date(Date.now() + 60_000) });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = (await db.execute(`select token_hash from share_links where id = '${share.id}'` as never)) as unknown as { token_hash: string }[];
      const hash = (Array.isArray(stored) ? stored : (stored as unknown as { rows: { token_hash: string }[] }).rows)[0]!.token_hash;
      expect(hash).not.toContain(token);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const resolved = await resolveShare(db, token);
      expect(resolved).toMatchObject({ ownerId: A, projectTitle: "Shared app", version: { n: 1, files: [{ path: "index.html", content: "<h1>hi</h1>" }] } });
      expect(await resolveShare(db, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
      expect((await listShares(db, A, "sh")).map((s) => s.id)).toEqual([share.id]);
      expect(await listShares(db, B, "sh")).toEqual([]);
      await expect(revokeShare(db, B, "sh", share.id)).rejects.toMatchObject(notFound);
      expect(await resolveShare(db, token)).not.toBeNull();
      await revokeShare(db, A, "sh", share.id);
      expect(await resolveShare(db, token)).toBeNull();
      const expiring = await createShare(db, A, "sh", { version: 1, expiresAt: new Date(Date.now() - 1) });
      expect(await resolveShare(db, expiring.token)).toBeNull();
      const live = await createShare(db, A, "sh", { version: 1, expiresAt: new Date(Date.now() + 60_000) });
      await deleteProject(db, A, "sh");
      expect(await resolveShare(db, live.token)).toBeNull();
    });

    it("records sandboxes with their owner; nobody else can see or end them", async () => {
      await recordSandbox(db, A, { id: "sbx-1", provider: "local", projectId: "p", template: "react", expiresAt: new Date(Date.now() + 60_000) });
      // B cannot take the record over by recording the same id.
      await recordSandbox(db, B, { id: "sbx-1", provider: "local", projectId: "q", template: "react", expiresAt: new Date(Date.now() + 60_000) });
      expect(await findSandbox(db, B, "sbx-1")).toBeNull();
      expect(await findSandbox(db, A, "sbx-1")).toMatchObject({ projectId: "p", status: "running" });
      await markSandboxEnded(db, B, "sbx-1");
      expect((await listSandboxes(db, A, { running: true })).map((s) => s.id)).toEqual(["sbx-1"]);
      expect(await endStaleSandboxes(db, { provider: "local" })).toBe(1);
      expect(await listSandboxes(db, A, { running: true })).toEqual([]);
    });

    it("keeps a project's newest static preview, found by its token alone", async () => {
      await createProject(db, A, { id: "pv", title: "Preview" });
      const files = new Map([
        ["index.html", new TextEncoder().encode("<p>one</p>")],
        ["app.js", new TextEncoder().encode("console.log(1)")],
      ]);
      await savePreview(db, A, { token: "tok-1", projectId: "pv", sandboxId: "s1", version: 1, files, expiresAt: new Date(Date.now() + 60_000) });
      const loaded = await loadPreview(db, "tok-1");
      expect(new TextDecoder().decode(loaded!.files.get("index.html"))).toBe("<p>one</p>");
      expect(loaded).toMatchObject({ ownerId: A, projectId: "pv", version: 1 });
      await savePreview(db, A, { token: "tok-2", projectId: "pv", sandboxId: "s1", version: 2, files, expiresAt: new Date(Date.now() + 60_000) });
      expect(await loadPreview(db, "tok-1")).toBeNull();
      expect(await loadPreview(db, "tok-2")).not.toBeNull();
      await deleteProject(db, A, "pv");
      await db.execute(`update projects set deleted_at = now() - interval '11 seconds' where id = 'pv'` as never);
      await purgeDeletedProjects(db);
      expect(await loadPreview(db, "tok-2")).toBeNull();
    });

    it("stores sealed keys per user and provider", async () => {
      await saveUserKey(db, A, { provider: "openai", sealed: "sealed-a", keyId: "k1", last4: "abcd" });
      await saveUserKey(db, A, { provider: "openai", sealed: "sealed-a2", keyId: "k1", last4: "wxyz" });
      expect(await listUserKeys(db, A)).toMatchObject([{ provider: "openai", last4: "wxyz" }]);
      expect(await listUserKeys(db, B)).toEqual([]);
      expect(await findUserKey(db, B, "openai")).toBeNull();
      expect(await deleteUserKey(db, B, "openai")).toBe(false);
      expect(await deleteUserKey(db, A, "openai")).toBe(true);
      expect(await findUserKey(db, A, "openai")).toBeNull();
    });
  });
}
