import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunEvent } from "@/lib/fragment/protocol";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import { runProject } from "@/lib/sandbox/run";
import { hasBwrap, sandboxTempDir } from "../../support/sandbox";

/**
 * At the per-owner sandbox cap, a run of one project stops the sandbox of the project used longest
 * ago instead of failing: a person moving between projects never has to hunt for a Stop button.
 */

const ROOT = path.resolve(import.meta.dirname, "../../..");
const dir = sandboxTempDir("tessera-evict-");
const provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates"), maxPerOwner: 2 });
const html = (text: string) => ({ template: "html", files: [{ path: "index.html", content: `<!doctype html><p>${text}</p>` }], entry: "index.html" });

afterAll(async () => {
  for (const s of await provider.list("evict-owner")) await provider.kill(s.id, "evict-owner").catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasBwrap)("runs at the per-owner sandbox cap", () => {
  it("stop the owner's least recently used sandbox of another project, and say so", async () => {
    const run = async (projectId: string) => {
      const events: RunEvent[] = [];
      const stopped: string[] = [];
      const result = await runProject({ provider, ownerId: "evict-owner", projectId, state: html(projectId), onEvent: (e) => events.push(e), makeRoom: { onStopped: (id) => stopped.push(id) } });
      return { result, events, stopped };
    };
    const first = await run("first");
    const second = await run("second");
    // The first project was used longest ago.
    const third = await run("third");
    expect(third.stopped).toEqual([first.result.sandboxId]);
    expect(third.events.some((e) => e.type === "progress" && /Stopped the sandbox of a project you used longer ago/.test(e.message))).toBe(true);
    const running = (await provider.list("evict-owner")).map((s) => s.projectId).sort();
    expect(running).toEqual(["second", "third"]);
    expect(second.stopped).toEqual([]);
    // Another owner's sandboxes are never touched.
    await runProject({ provider, ownerId: "someone-else", projectId: "theirs", state: html("x"), onEvent: () => {} });
    expect((await provider.list("someone-else")).length).toBe(1);
    await provider.kill((await provider.list("someone-else"))[0]!.id, "someone-else");
  });

  it("fail at the cap as before when the caller does not ask to make room", async () => {
    await expect(runProject({ provider, ownerId: "evict-owner", projectId: "fourth", state: html("x"), onEvent: () => {} })).rejects.toMatchObject({ code: "rate_limit:quota" });
    expect((await provider.list("evict-owner")).map((s) => s.projectId).sort()).toEqual(["second", "third"]);
  });
});
