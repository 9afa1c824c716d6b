import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxPool } from "@/lib/sandbox/pool";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import { hasBwrap, sandboxTempDir } from "../../support/sandbox";

const ROOT = path.resolve(import.meta.dirname, "../../..");
if (!hasBwrap) console.warn("bwrap is not installed: the sandbox pool suite is skipped.");

async function until(check: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasBwrap)("warm pool and project reuse", () => {
  let dir: string;
  let provider: LocalSandboxProvider;
  let pool: SandboxPool;
  const errors: unknown[] = [];

  beforeAll(() => {
    dir = sandboxTempDir("tessera-pool-");
    provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates"), maxPerOwner: 10 });
    pool = new SandboxPool(provider, {
      size: { python: 1 },
      warm: async (s) => void (await s.runCode("import numpy as np")),
      onError: (e) => errors.push(e),
    });
  });
  afterAll(async () => {
    await pool.shutdown();
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands out a warm sandbox with state ready, owned by the caller alone", async () => {
    await until(() => pool.stats().python === 1);
    const sandbox = await pool.acquire({ template: "python", ownerId: "alice", projectId: "p1" });
    expect(sandbox.info.ownerId).toBe("alice");
    const run = await sandbox.runCode("print(np.arange(3).sum())");
    expect(run.stdout).toBe("3\n");
    await expect(provider.connect(sandbox.info.id, "__pool__")).rejects.toMatchObject({ code: "not_found" });
    await expect(provider.connect(sandbox.info.id, "bob")).rejects.toMatchObject({ code: "not_found" });
    await expect(provider.adopt(sandbox.info.id, "__pool__", { ownerId: "bob", projectId: "p9" })).rejects.toMatchObject({ code: "not_found" });
    await until(() => pool.stats().python === 1);
    expect(errors).toEqual([]);
  });

  it("counts a warm sandbox against its new owner's cap, and keeps it warm when the owner is at the cap", async () => {
    const capped = new LocalSandboxProvider({ rootDir: path.join(dir, "capped"), templatesDir: path.join(ROOT, "templates"), maxPerOwner: 1 });
    const warm = new SandboxPool(capped, { size: { html: 1 }, onError: (e) => errors.push(e) });
    try {
      await until(() => warm.stats().html === 1);
      const first = await warm.acquire({ template: "html", ownerId: "dave", projectId: "a" });
      expect(first.info.ownerId).toBe("dave");
      await until(() => warm.stats().html === 1);
      // At the cap: neither the warm sandbox nor a new one is handed out, and the warm one stays.
      await expect(warm.acquire({ template: "html", ownerId: "dave", projectId: "b" })).rejects.toMatchObject({ code: "rate_limit:quota" });
      expect(warm.stats().html).toBe(1);
      expect((await capped.list("dave")).map((s) => s.projectId)).toEqual(["a"]);
      await capped.kill(first.info.id, "dave");
      expect((await warm.acquire({ template: "html", ownerId: "dave", projectId: "b" })).info.projectId).toBe("b");
    } finally {
      await warm.shutdown();
      await capped.shutdown();
    }
  });

  it("reuses a project's running sandbox across runs", async () => {
    const first = await pool.forProject({ template: "python", ownerId: "carol", projectId: "p2" });
    await first.files.write("kept.txt", "yes");
    const second = await pool.forProject({ template: "python", ownerId: "carol", projectId: "p2" });
    expect(second.info.id).toBe(first.info.id);
    expect((await second.runCode("print(open('kept.txt').read())")).stdout).toBe("yes\n");
    const other = await pool.forProject({ template: "python", ownerId: "carol", projectId: "p3" });
    expect(other.info.id).not.toBe(first.info.id);
  });
});
