import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cgroupLayout } from "@/lib/sandbox/providers/local/cgroups";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import type { Sandbox } from "@/lib/sandbox/types";
import { hasBwrap, sandboxTempDir } from "../../support/sandbox";
import { attackHarness, cgroupDirs, PLANTED, ROOT, sh, type AttackHarness } from "./attack-harness";

/**
 * Who may touch a sandbox, and what is left when it ends: owners, instances (another server, a
 * test, or a second copy of the provider module in the same process, as Next's page bundle once
 * made), the TTL, and the host's cap shared fairly between people.
 */

const templatesDir = path.join(ROOT, "templates");

describe.skipIf(!hasBwrap)("local sandbox: lifecycle and ownership", () => {
  let h: AttackHarness;
  let sandbox: Sandbox;
  let other: Sandbox;

  beforeAll(async () => {
    h = attackHarness("tessera-atk-life-");
    sandbox = await h.fresh();
    other = await h.provider.create({ template: "python", ownerId: "bob", projectId: "b1" });
    await other.files.write("secret.txt", PLANTED);
  });

  afterAll(async () => {
    const ids = [sandbox.info.id, other.info.id];
    await h.close();
    for (const id of ids) for (const dir of cgroupDirs(h.provider.cgroupScope, id)) expect(existsSync(dir)).toBe(false);
  });

  it("refuses traversal and forbidden paths before touching the sandbox", async () => {
    for (const bad of ["../../etc/passwd", "/abs/path", "src/.env", ".git/config", "a/node_modules/x"]) {
      await expect(sandbox.files.write(bad, "x")).rejects.toMatchObject({ code: "bad_request:validation" });
    }
  });

  it("a second provider in the same process and on the same directory leaves the first one's sandboxes alone", async () => {
    // What a page render did: build another provider, whose start-up swept every sandbox it did not know.
    const second = new LocalSandboxProvider({ rootDir: path.join(h.dir, "sandboxes"), templatesDir });
    try {
      await second.list("nobody"); // its start-up sweep has run by now
      await second.create({ template: "python", ownerId: "zed", projectId: "z" }).then((s) => s.kill());
      expect((await sh(sandbox, "echo still here")).stdout).toBe("still here\n");
      expect((await sandbox.runCode("print('kernel too')")).stdout).toBe("kernel too\n");
    } finally {
      await second.shutdown();
    }
    expect((await sh(sandbox, "echo after its shutdown")).stdout).toBe("after its shutdown\n");
  });

  it("another instance elsewhere leaves this one's sandboxes alone", async () => {
    const otherDir = sandboxTempDir("tessera-atk-other-");
    const elsewhere = new LocalSandboxProvider({ rootDir: otherDir, templatesDir });
    try {
      await elsewhere.create({ template: "python", ownerId: "zed", projectId: "z" }).then((s) => s.kill());
      expect((await sh(sandbox, "echo still here")).stdout).toBe("still here\n");
    } finally {
      await elsewhere.shutdown();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it("what a dead instance left (its directory, its cgroups and a process in them) is swept at the next start-up", async () => {
    const dir = sandboxTempDir("tessera-atk-dead-");
    // A process that has ended: its pid and start time name a dead instance.
    const ended = spawn("/bin/true");
    await new Promise((r) => ended.once("exit", r));
    const name = `inst-${ended.pid}-1-deadbeef`;
    mkdirSync(path.join(dir, name, "s1"), { recursive: true });
    writeFileSync(path.join(dir, name, "s1", "left"), "x");
    const layout = cgroupLayout();
    let orphan: ReturnType<typeof spawn> | undefined;
    if (layout) {
      const group = layout.kind === "v2" ? path.join(layout.dir, name, "sbx_x") : path.join(layout.pids, name, "sbx_x");
      mkdirSync(group, { recursive: true });
      orphan = spawn("/bin/sh", ["-c", `echo $$ > ${group}/cgroup.procs && exec sleep 1000`], { stdio: "ignore" });
      const joined = () => readFileSync(path.join(group, "cgroup.procs"), "utf8").split("\n").includes(String(orphan!.pid));
      for (let i = 0; i < 200 && !joined(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(joined()).toBe(true);
    }
    const fresh = new LocalSandboxProvider({ rootDir: dir, templatesDir });
    try {
      await fresh.list("nobody");
      expect(existsSync(path.join(dir, name))).toBe(false);
      if (orphan) {
        await new Promise((r) => (orphan!.exitCode !== null || orphan!.signalCode !== null ? r(null) : orphan!.once("exit", r)));
        expect(orphan.signalCode).toBe("SIGKILL");
        for (const d of cgroupDirs(name, "sbx_x")) expect(existsSync(d)).toBe(false);
      }
      // This process's own instance is alive and not swept.
      expect(existsSync(path.join(h.dir, "sandboxes", h.provider.cgroupScope))).toBe(true);
    } finally {
      orphan?.kill("SIGKILL");
      await fresh.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a wrong owner cannot connect, read or kill", async () => {
    await expect(h.provider.connect(other.info.id, "alice")).rejects.toMatchObject({ code: "not_found" });
    await expect(h.provider.kill(other.info.id, "alice")).rejects.toMatchObject({ code: "not_found" });
    expect((await h.provider.list("alice")).map((s) => s.id)).not.toContain(other.info.id);
    expect(await (await h.provider.connect(other.info.id, "bob")).files.readText("secret.txt")).toBe(PLANTED);
  });

  it("a killed sandbox leaves no process, directory or cgroup behind", async () => {
    const doomed = await h.fresh();
    const bg = await doomed.commands.start(["/bin/sh", "-c", "sleep 4201 & setsid sleep 4201 & sleep 1000"]);
    const dirsBefore = h.sandboxDirs().length;
    await h.provider.kill(doomed.info.id, "alice");
    expect((await bg.wait()).exitCode).not.toBe(0);
    expect(h.sandboxDirs().length).toBe(dirsBefore - 1);
    for (const dir of cgroupDirs(h.provider.cgroupScope, doomed.info.id)) expect(existsSync(dir)).toBe(false);
  });

  it("a process that sleeps forever is reaped at the TTL", async () => {
    const short = await h.fresh({ timeoutMs: 1_500 });
    const bg = await short.commands.start(["/bin/sleep", "1000"]);
    const result = await bg.wait();
    expect(result.exitCode).not.toBe(0);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(short.info.status).toBe("killed");
    await expect(h.provider.connect(short.info.id, "alice")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe.skipIf(!hasBwrap)("local sandbox: the host's cap is shared fairly", () => {
  let dir: string;
  let provider: LocalSandboxProvider;

  beforeAll(() => {
    dir = sandboxTempDir("tessera-atk-fair-");
    provider = new LocalSandboxProvider({ rootDir: dir, templatesDir, maxPerOwner: 3, maxTotal: 3 });
  });

  afterAll(async () => {
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("at the cap a newcomer gets a sandbox from whoever holds the most (their least recently used), but people never evict each other in turn", async () => {
    const make = (ownerId: string, projectId: string) => provider.create({ template: "html", ownerId, projectId });
    const alice = [await make("alice", "a1"), await make("alice", "a2"), await make("alice", "a3")];
    await alice[0]!.setTimeout(30 * 60_000); // a1 used most recently: it expires last
    await make("bob", "b1");
    expect((await provider.list("alice")).map((s) => s.projectId).sort()).toEqual(["a1", "a3"]);
    await make("carol", "c1");
    expect((await provider.list("alice")).map((s) => s.projectId)).toEqual(["a1"]);
    // Now everyone holds one: a fourth person waits rather than taking someone's only sandbox.
    await expect(make("dave", "d1")).rejects.toMatchObject({ code: "unavailable:sandbox" });
    expect((await provider.list("bob")).length + (await provider.list("carol")).length + (await provider.list("alice")).length).toBe(3);
  });
});
