import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Per-sandbox cgroups where the host lets us create them (root, or a delegated subtree): every cap
 * that must hold for all of a sandbox's processes at once — process count (fork bombs), memory
 * (memory bombs, and the in-memory workspace), a CPU share — and, per command, a child group that
 * names exactly the processes that command started, so the wall-time cap and the end of a command
 * kill everything it left behind (double-forked daemons included) rather than a process tree.
 * cgroup v2 (unified) and v1 (pids, memory, cpu, cpuacct controllers) are both supported. When
 * neither is writable the provider falls back to rlimits and process groups and says so.
 *
 * CPU: all sandboxes together get at most max(1, cores − 1) cores and a low weight, so the app keeps
 * at least one core (on one core, the weight alone gives it priority); each sandbox may use that
 * whole allowance when alone, and busy sandboxes share it equally.
 */

const ROOT = "/sys/fs/cgroup";
const GROUP = "tessera";
const CPU_PERIOD_US = 100_000;
/** The app's own processes weigh 1024 (v1 shares) / 100 (v2 weight); all sandboxes together weigh a quarter. */
const SANDBOXES_SHARES = 256;
const SANDBOXES_WEIGHT = 25;

export interface CgroupLimits {
  maxProcesses: number;
  memoryBytes: number;
}

type Layout =
  | { kind: "v2"; dir: string; cpu: boolean }
  | { kind: "v1"; pids: string; memory: string; cpu?: string; cpuacct?: string };

let detected: Layout | null | undefined;

function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

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

/** How many cores all sandboxes together may use. */
export function sandboxCores(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

function detect(): Layout | null {
  if (existsSync(path.join(ROOT, "cgroup.controllers"))) {
    const controllers = readFileSync(path.join(ROOT, "cgroup.controllers"), "utf8");
    if (!/\bpids\b/.test(controllers) || !/\bmemory\b/.test(controllers) || !writable(ROOT)) return null;
    const dir = path.join(ROOT, GROUP);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(ROOT, "cgroup.subtree_control"), "+pids +memory");
      writeFileSync(path.join(dir, "cgroup.subtree_control"), "+pids +memory");
    } catch {
      return null;
    }
    const cpu = /\bcpu\b/.test(controllers) && tryWrite(path.join(ROOT, "cgroup.subtree_control"), "+cpu") && tryWrite(path.join(dir, "cgroup.subtree_control"), "+cpu");
    if (cpu) {
      tryWrite(path.join(dir, "cpu.max"), `${sandboxCores() * CPU_PERIOD_US} ${CPU_PERIOD_US}`);
      tryWrite(path.join(dir, "cpu.weight"), String(SANDBOXES_WEIGHT));
    }
    return { kind: "v2", dir, cpu };
  }
  const pids = path.join(ROOT, "pids");
  const memory = path.join(ROOT, "memory");
  if (!existsSync(path.join(pids, "cgroup.procs")) || !writable(pids) || !writable(memory)) return null;
  mkdirSync(path.join(pids, GROUP), { recursive: true });
  mkdirSync(path.join(memory, GROUP), { recursive: true });
  const layout: Layout = { kind: "v1", pids: path.join(pids, GROUP), memory: path.join(memory, GROUP) };
  const cpuRoot = path.join(ROOT, "cpu");
  if (existsSync(path.join(cpuRoot, "cpu.shares")) && writable(cpuRoot)) {
    const dir = path.join(cpuRoot, GROUP);
    mkdirSync(dir, { recursive: true });
    tryWrite(path.join(dir, "cpu.shares"), String(SANDBOXES_SHARES));
    tryWrite(path.join(dir, "cpu.cfs_period_us"), String(CPU_PERIOD_US));
    tryWrite(path.join(dir, "cpu.cfs_quota_us"), String(sandboxCores() * CPU_PERIOD_US));
    layout.cpu = dir;
  }
  const acctRoot = path.join(ROOT, "cpuacct");
  if (existsSync(path.join(acctRoot, "cpuacct.usage")) && writable(acctRoot)) {
    // cpu and cpuacct are often one hierarchy ("cpu,cpuacct"); then one group serves both.
    const same = layout.cpu !== undefined && realpathSync(cpuRoot) === realpathSync(acctRoot);
    layout.cpuacct = same ? layout.cpu : path.join(acctRoot, GROUP);
    mkdirSync(layout.cpuacct!, { recursive: true });
  }
  return layout;
}

export function cgroupLayout(): Layout | null {
  if (detected === undefined) detected = detect();
  return detected;
}

function readNumber(file: string): number {
  try {
    return Number(readFileSync(file, "utf8").trim()) || 0;
  } catch {
    return 0;
  }
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGKILL every process listed in `procsFile` (but `except`) until none is left. A process forking
 * while this runs puts its child in the same group, so the loop sees it on the next pass; a killed
 * process cannot fork again, and the group's pids.max bounds how many there can be.
 */
async function killListed(procsFile: string, except: ReadonlySet<number> = new Set(), killFile?: string): Promise<void> {
  if (except.size === 0 && killFile && tryWrite(killFile, "1")) {
    for (let i = 0; i < 200 && readPids(procsFile).length > 0; i++) await sleep(5);
    return;
  }
  for (let pass = 0; pass < 400; pass++) {
    const targets = readPids(procsFile).filter((pid) => !except.has(pid));
    if (targets.length === 0) return;
    for (const pid of targets) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(pass < 10 ? 1 : 10);
  }
}

async function removeDir(dir: string): Promise<void> {
  // Child groups first; a group can be removed only once empty, and the kernel may take a moment
  // to notice that its processes are gone.
  try {
    for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) await removeDir(path.join(dir, child.name));
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 120; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      await sleep(25);
    }
  }
}

/** One command's processes: everything it started, wherever in the process tree they went. */
export interface CommandCgroup {
  /** The cgroup.procs files a process writes its pid into to join: the sandbox's groups and this command's own. */
  procsFiles: string[];
  pids(): number[];
  kill(except?: ReadonlySet<number>): Promise<void>;
  remove(): Promise<void>;
}

export interface SandboxCgroup {
  /** Joins the sandbox's groups (the holder itself belongs to no command). */
  joinScript: string;
  command(): CommandCgroup;
  memoryBytesUsed(): number;
  cpuSeconds(): number;
  /** How many times the memory cap has been hit (OOM kills or failed charges). */
  memoryLimitHits(): number;
  processes(): number;
  /** Whether a CPU share and cap apply. */
  cpuLimited: boolean;
  killAll(): Promise<void>;
  remove(): Promise<void>;
}

let commandSeq = 0;

/** `scope` keeps each provider instance in its own subtree, so one instance's sweep never touches another's. */
export function createCgroup(scope: string, id: string, limits: CgroupLimits): SandboxCgroup | null {
  const layout = cgroupLayout();
  if (!layout) return null;
  if (layout.kind === "v2") {
    const parent = path.join(layout.dir, scope);
    // Every time, not only when missing: another instance may prune an empty scope at any moment.
    mkdirSync(parent, { recursive: true });
    writeFileSync(path.join(parent, "cgroup.subtree_control"), layout.cpu ? "+pids +memory +cpu" : "+pids +memory");
    const dir = path.join(parent, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "pids.max"), String(limits.maxProcesses));
    writeFileSync(path.join(dir, "memory.max"), String(limits.memoryBytes));
    tryWrite(path.join(dir, "memory.swap.max"), "0"); // without swap accounting memory.max alone caps RAM
    if (layout.cpu) tryWrite(path.join(dir, "cpu.max"), `${sandboxCores() * CPU_PERIOD_US} ${CPU_PERIOD_US}`);
    const join = (group: string) => `echo $$ > ${group}/cgroup.procs`;
    return {
      joinScript: join(dir),
      cpuLimited: layout.cpu,
      command() {
        const group = path.join(dir, `c${++commandSeq}`);
        mkdirSync(group);
        return {
          procsFiles: [path.join(group, "cgroup.procs")],
          pids: () => readPids(path.join(group, "cgroup.procs")),
          kill: (except) => killListed(path.join(group, "cgroup.procs"), except, path.join(group, "cgroup.kill")),
          remove: () => removeDir(group),
        };
      },
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
      killAll: async () => {
        if (!tryWrite(path.join(dir, "cgroup.kill"), "1")) {
          for (const sub of readdirSync(dir, { withFileTypes: true })) if (sub.isDirectory()) await killListed(path.join(dir, sub.name, "cgroup.procs"));
          await killListed(path.join(dir, "cgroup.procs"));
        }
        for (let i = 0; i < 200 && readNumber(path.join(dir, "pids.current")) > 0; i++) await sleep(5);
      },
      remove: () => removeDir(dir),
    };
  }

  const pids = path.join(layout.pids, scope, id);
  const memory = path.join(layout.memory, scope, id);
  const cpu = layout.cpu ? path.join(layout.cpu, scope, id) : undefined;
  const cpuacct = layout.cpuacct && layout.cpuacct !== layout.cpu ? path.join(layout.cpuacct, scope, id) : undefined;
  for (const dir of [pids, memory, cpu, cpuacct]) if (dir) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(pids, "pids.max"), String(limits.maxProcesses));
  writeFileSync(path.join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
  tryWrite(path.join(memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes)); // swap accounting may be off
  if (cpu) {
    tryWrite(path.join(cpu, "cpu.cfs_period_us"), String(CPU_PERIOD_US));
    tryWrite(path.join(cpu, "cpu.cfs_quota_us"), String(sandboxCores() * CPU_PERIOD_US));
  }
  const usage = cpuacct ?? cpu;
  const sharedDirs = [memory, cpu, cpuacct].filter((d): d is string => d !== undefined);
  const shared = sharedDirs.map((d) => `echo $$ > ${d}/cgroup.procs`);
  const pidsProcs = (group: string) => path.join(group, "cgroup.procs");
  return {
    joinScript: [`echo $$ > ${pidsProcs(pids)}`, ...shared].join(" && "),
    cpuLimited: cpu !== undefined,
    command() {
      const group = path.join(pids, `c${++commandSeq}`);
      mkdirSync(group);
      return {
        procsFiles: [pidsProcs(group), ...sharedDirs.map(pidsProcs)],
        pids: () => readPids(pidsProcs(group)),
        kill: (except) => killListed(pidsProcs(group), except),
        remove: () => removeDir(group),
      };
    },
    memoryBytesUsed: () => readNumber(path.join(memory, "memory.usage_in_bytes")),
    cpuSeconds: () => (usage && existsSync(path.join(usage, "cpuacct.usage")) ? readNumber(path.join(usage, "cpuacct.usage")) / 1e9 : 0),
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
    killAll: async () => {
      for (const sub of readdirSync(pids, { withFileTypes: true })) if (sub.isDirectory()) await killListed(pidsProcs(path.join(pids, sub.name)));
      await killListed(pidsProcs(pids));
    },
    remove: async () => {
      await Promise.all([pids, memory, cpu, cpuacct].filter((d): d is string => d !== undefined).map(removeDir));
    },
  };
}

function scopeRoots(): string[] {
  const layout = cgroupLayout();
  if (!layout) return [];
  if (layout.kind === "v2") return [layout.dir];
  return [...new Set([layout.pids, layout.memory, layout.cpu, layout.cpuacct].filter((d): d is string => d !== undefined))];
}

/** Scopes (provider instances) that have a subtree in any hierarchy. */
export function listScopes(): string[] {
  const names = new Set<string>();
  for (const root of scopeRoots()) {
    try {
      for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) names.add(e.name);
    } catch {
      // hierarchy gone
    }
  }
  return [...names];
}

async function killTree(dir: string): Promise<void> {
  let entries: import("node:fs").Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) await killTree(path.join(dir, e.name));
  await killListed(path.join(dir, "cgroup.procs"));
}

/** Kill whatever a dead instance left in its subtree and remove it. */
export async function removeScope(scope: string): Promise<void> {
  for (const root of scopeRoots()) {
    const dir = path.join(root, scope);
    if (!existsSync(dir)) continue;
    await killTree(dir);
    await removeDir(dir);
  }
}

