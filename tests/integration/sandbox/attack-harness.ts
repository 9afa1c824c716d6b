import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import type { CreateSandboxOptions, RunCommandOptions, Sandbox } from "@/lib/sandbox/types";
import { sandboxTempDir } from "../../support/sandbox";

/**
 * One local provider for an attack suite, started the way a server starts it (as root on CI), in a
 * directory of its own. Destructive cases (bombs, floods, fills) take a fresh sandbox each, so no
 * case depends on what an earlier one left, however loaded the machine is.
 */

export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const PLANTED = `planted-${Math.random().toString(36).slice(2)}`;

export interface AttackHarness {
  dir: string;
  provider: LocalSandboxProvider;
  /** A fresh sandbox for one case (small caps so bombs end quickly). */
  fresh(overrides?: Partial<CreateSandboxOptions>): Promise<Sandbox>;
  /** Directories the provider keeps for its sandboxes right now (one per live sandbox). */
  sandboxDirs(): string[];
  close(): Promise<void>;
}

export const SMALL_LIMITS = {
  cpuSeconds: 3,
  commandTimeoutMs: 20_000,
  memoryBytes: 256 * 1024 * 1024,
  diskBytes: 64 * 1024 * 1024,
  maxFileBytes: 32 * 1024 * 1024,
  maxProcesses: 64,
};

let project = 0;

export function attackHarness(prefix: string, options: { maxPerOwner?: number; maxTotal?: number } = {}): AttackHarness {
  const dir = sandboxTempDir(prefix);
  const provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates"), maxPerOwner: options.maxPerOwner ?? 50, maxTotal: options.maxTotal ?? 64 });
  return {
    dir,
    provider,
    fresh: (overrides = {}) => provider.create({ template: "python", ownerId: "alice", projectId: `p${++project}`, limits: SMALL_LIMITS, ...overrides }),
    sandboxDirs: () => {
      const instance = path.join(dir, "sandboxes", provider.cgroupScope);
      return readdirSync(instance).filter((name) => /^s\d+$/.test(name));
    },
    close: async () => {
      await provider.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sh = (sandbox: Sandbox, script: string, options: RunCommandOptions = {}) => sandbox.commands.run(["/bin/sh", "-c", script], options);
export const py = (sandbox: Sandbox, code: string, options: RunCommandOptions = {}) => sandbox.commands.run(["/usr/bin/python3", "-c", code], options);

/** Every cgroup directory the provider could have made for `id`, in every hierarchy. */
export function cgroupDirs(scope: string, id: string): string[] {
  return ["pids", "memory", "cpu", "cpuacct", ""].map((controller) => path.join("/sys/fs/cgroup", controller, "tessera", scope, id));
}
