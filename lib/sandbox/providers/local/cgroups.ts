import { existsSync, mkdirSync, rmdirSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Per-sandbox cgroups where the host lets us create them (root, or a delegated subtree): a hard
 * process count (fork bombs) and a memory ceiling (memory bombs) that rlimits cannot express for a
 * whole process tree. Supports cgroup v2 (unified) and v1 (pids + memory controllers). When neither
 * is writable the provider falls back to rlimits alone and says so in its preflight.
 */

const ROOT = "/sys/fs/cgroup";
const GROUP = "tessera";

export interface CgroupLimits {
  maxProcesses: number;
  memoryBytes: number;
}

export interface SandboxCgroup {
  /** Shell snippet that moves the current shell into the cgroup (run before exec'ing bwrap). */
  joinScript: string;
  memoryBytesUsed(): number;
  cpuSeconds(): number;
  /** How many times the memory cap has been hit (OOM kills or failed charges). */
  memoryLimitHits(): number;
  processes(): number;
  remove(): Promise<void>;
}

type Layout = { kind: "v2"; dir: string } | { kind: "v1"; pids: string; memory: string; cpuacct?: string };

let detected: Layout | null | undefined;

function writable(dir: string): boolean {
  try {
    const probe = path.join(dir, `${GROUP}-probe-${process.pid}`);
    mkdirSync(probe, { recursive: true });
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

export function cgroupLayout(): Layout | null {
  if (detected !== undefined) return detected;
  detected = null;
  if (existsSync(path.join(ROOT, "cgroup.controllers"))) {
    const controllers = readFileSync(path.join(ROOT, "cgroup.controllers"), "utf8");
    if (/\bpids\b/.test(controllers) && /\bmemory\b/.test(controllers) && writable(ROOT)) {
      try {
        mkdirSync(path.join(ROOT, GROUP), { recursive: true });
        writeFileSync(path.join(ROOT, "cgroup.subtree_control"), "+pids +memory");
        writeFileSync(path.join(ROOT, GROUP, "cgroup.subtree_control"), "+pids +memory");
        detected = { kind: "v2", dir: path.join(ROOT, GROUP) };
      } catch {
        detected = null;
      }
    }
  } else if (existsSync(path.join(ROOT, "pids", "pids.max")) || existsSync(path.join(ROOT, "pids", "cgroup.procs"))) {
    const pids = path.join(ROOT, "pids");
    const memory = path.join(ROOT, "memory");
    if (writable(pids) && writable(memory)) {
      mkdirSync(path.join(pids, GROUP), { recursive: true });
      mkdirSync(path.join(memory, GROUP), { recursive: true });
      const cpuacct = path.join(ROOT, "cpuacct");
      const hasCpuacct = existsSync(path.join(cpuacct, "cpuacct.usage")) && writable(cpuacct);
      if (hasCpuacct) mkdirSync(path.join(cpuacct, GROUP), { recursive: true });
      detected = { kind: "v1", pids: path.join(pids, GROUP), memory: path.join(memory, GROUP), ...(hasCpuacct ? { cpuacct: path.join(cpuacct, GROUP) } : {}) };
    }
  }
  return detected;
}

function readNumber(file: string): number {
  try {
    return Number(readFileSync(file, "utf8").trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * `scope` keeps each Tessera instance (one per data directory) in its own subtree, so one
 * instance's orphan sweep never touches another's live sandboxes.
 */
export function createCgroup(scope: string, id: string, limits: CgroupLimits): SandboxCgroup | null {
  const layout = cgroupLayout();
  if (!layout) return null;
  if (layout.kind === "v2") {
    const parent = path.join(layout.dir, scope);
    if (!existsSync(parent)) {
      mkdirSync(parent, { recursive: true });
      writeFileSync(path.join(parent, "cgroup.subtree_control"), "+pids +memory");
    }
    const dir = path.join(parent, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "pids.max"), String(limits.maxProcesses));
    writeFileSync(path.join(dir, "memory.max"), String(limits.memoryBytes));
    try {
      writeFileSync(path.join(dir, "memory.swap.max"), "0");
    } catch {
      // no swap accounting: memory.max alone still caps RAM
    }
    return {
      joinScript: `echo $$ > ${dir}/cgroup.procs`,
      memoryBytesUsed: () => readNumber(path.join(dir, "memory.current")),
      memoryLimitHits: () => {
        try {
          return Number(/oom_kill (\d+)/.exec(readFileSync(path.join(dir, "memory.events"), "utf8"))?.[1] ?? 0);
        } catch {
          return 0;
        }
      },
      cpuSeconds: () => {
        try {
          const usec = /usage_usec (\d+)/.exec(readFileSync(path.join(dir, "cpu.stat"), "utf8"))?.[1];
          return usec ? Number(usec) / 1e6 : 0;
        } catch {
          return 0;
        }
      },
      processes: () => readNumber(path.join(dir, "pids.current")),
      remove: () => removeDir(dir),
    };
  }
  const pids = path.join(layout.pids, scope, id);
  const memory = path.join(layout.memory, scope, id);
  const cpuacct = layout.cpuacct ? path.join(layout.cpuacct, scope, id) : undefined;
  mkdirSync(pids, { recursive: true });
  mkdirSync(memory, { recursive: true });
  if (cpuacct) mkdirSync(cpuacct, { recursive: true });
  writeFileSync(path.join(pids, "pids.max"), String(limits.maxProcesses));
  writeFileSync(path.join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
  try {
    writeFileSync(path.join(memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
  } catch {
    // swap accounting off: the RAM limit still applies
  }
  return {
    joinScript: `echo $$ > ${pids}/cgroup.procs && echo $$ > ${memory}/cgroup.procs${cpuacct ? ` && echo $$ > ${cpuacct}/cgroup.procs` : ""}`,
    memoryBytesUsed: () => readNumber(path.join(memory, "memory.usage_in_bytes")),
    cpuSeconds: () => (cpuacct ? readNumber(path.join(cpuacct, "cpuacct.usage")) / 1e9 : 0),
    // failcnt alone misses kills on some kernels; oom_kill counts them.
    memoryLimitHits: () => {
      let kills = 0;
      try {
        kills = Number(/oom_kill (\d+)/.exec(readFileSync(path.join(memory, "memory.oom_control"), "utf8"))?.[1] ?? 0);
      } catch {
        // older kernels have no oom_kill counter
      }
      return kills + readNumber(path.join(memory, "memory.failcnt"));
    },
    processes: () => readNumber(path.join(pids, "pids.current")),
    remove: async () => {
      await Promise.all([removeDir(pids), removeDir(memory), ...(cpuacct ? [removeDir(cpuacct)] : [])]);
    },
  };
}

async function removeDir(dir: string): Promise<void> {
  // A cgroup can be removed only once empty; the processes are gone by the time we get here, but
  // the kernel may take a moment to notice.
  for (let i = 0; i < 120; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Remove this instance's cgroups left by a crashed server (orphans): any whose id is not in `live`. */
export async function removeStaleCgroups(scope: string, live: Set<string>, readdir: (dir: string) => string[]): Promise<void> {
  const layout = cgroupLayout();
  if (!layout) return;
  const roots = layout.kind === "v2" ? [layout.dir] : [layout.pids, layout.memory, ...(layout.cpuacct ? [layout.cpuacct] : [])];
  const dirs = roots.map((r) => path.join(r, scope));
  for (const dir of dirs) {
    for (const name of readdir(dir)) {
      if (/^sbx_[a-z0-9]+$/.test(name) && !live.has(name)) await removeDir(path.join(dir, name));
    }
  }
}

/** Remove this instance's (now empty) subtree at shutdown; a busy one is left to the next sweep. */
export function removeScope(scope: string): void {
  const layout = cgroupLayout();
  if (!layout) return;
  const roots = layout.kind === "v2" ? [layout.dir] : [layout.pids, layout.memory, ...(layout.cpuacct ? [layout.cpuacct] : [])];
  for (const root of roots) {
    try {
      rmdirSync(path.join(root, scope));
    } catch {
      // not empty or already gone
    }
  }
}
