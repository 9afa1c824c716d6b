import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { AppError } from "../../../errors";
import { log, securityEvent } from "../../../log";
import { localSandboxPreflight } from "../../preflight";
import { clampLimits, DEFAULT_SANDBOX_LIMITS } from "../../limits";
import { POOL_OWNER } from "../../pool";
import type { CreateSandboxOptions, Sandbox, SandboxInfo, SandboxLimits, SandboxProvider } from "../../types";
import { ETC_FILES, type SandboxLayout } from "./bwrap";
import { createCgroup, listScopes, removeScope } from "./cgroups";
import { allocateIdentity, releaseIdentity, type HostIdentity } from "./host-identity";
import { LocalSandbox, type SeccompHandle } from "./sandbox";
import { launcherSyscalls, seccompArch, seccompFilter } from "./seccomp";
import { checkTraversable, ensureOwnDir, stageTemplates } from "./staging";

/** The most a caller may ask of this host. */
const CEILING: SandboxLimits = {
  memoryBytes: 2 * 1024 * 1024 * 1024,
  cpuSeconds: 300,
  maxProcesses: 512,
  maxOpenFiles: 4096,
  maxFileBytes: 512 * 1024 * 1024,
  diskBytes: 2 * 1024 * 1024 * 1024,
  commandTimeoutMs: 10 * 60_000,
  maxOutputBytes: 16 * 1024 * 1024,
};

const TMP_BYTES = 256 * 1024 * 1024;
const HOME_BYTES = 64 * 1024 * 1024;

export interface LocalProviderOptions {
  /** Host directory for sandbox state: a neutral path, since sandboxes see its name in their mount table. */
  rootDir: string;
  /** Where templates live (templates/); staged under rootDir before sandboxes see them. */
  templatesDir: string;
  maxPerOwner?: number;
  maxTotal?: number;
  defaultTimeoutMs?: number;
  reapIntervalMs?: number;
  /** Publishes a sandbox's relayed port as a preview (wired to lib/preview by lib/sandbox/index.ts). */
  previewUrl?: (info: SandboxInfo, port: number, socketPath: string) => Promise<string>;
}

/** Templates this provider knows; each is offered once its directory under templates/ exists. */
const TEMPLATES = ["python", "react", "vue", "html"];

function newId(prefix: string, bytes: number): string {
  // Lowercase base32: usable in paths, cgroup names and hostnames.
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return prefix + [...randomBytes(bytes)].map((b) => alphabet[b & 31]).join("");
}

/** The start time of a process (clock ticks since boot), which a reused pid does not share. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

const INSTANCE = /^inst-(\d+)-(\d+)-[a-z2-7]+$/;

/** An instance name whose owning process is gone (its pid is free or now another process). */
function isDeadInstance(name: string): boolean {
  const match = INSTANCE.exec(name);
  return match !== null && startTime(Number(match[1])) !== match[2];
}

/**
 * Sandboxes on this machine, in bubblewrap. Owner and project are recorded at creation; every
 * call that names a sandbox checks the owner and answers "not found" to anyone else. A reaper
 * kills sandboxes past their TTL.
 *
 * Each provider is one instance with its own directory and cgroup subtree, named after the process
 * that owns it (`inst-<pid>-<start time>-<random>`): at start-up it sweeps only instances whose process is gone,
 * so a second provider on the same host — another server, a test, a stray second copy of this
 * module — never touches this one's sandboxes.
 */
export class LocalSandboxProvider implements SandboxProvider {
  readonly name = "local";
  private readonly sandboxes = new Map<string, { sandbox: LocalSandbox; identity: HostIdentity; dir: string }>();
  private sequence = 0;
  private readonly reaper: NodeJS.Timeout;
  private readonly instanceDir: string;
  private readonly stagedTemplates: string;
  private readonly seccomp: SeccompHandle | null;
  private readonly ready: Promise<void>;
  /** This instance's id: its directory and its cgroup subtree. */
  readonly cgroupScope: string;

  constructor(private readonly options: LocalProviderOptions) {
    ensureOwnDir(options.rootDir);
    if (process.getuid?.() === 0) checkTraversable(options.rootDir);
    // The name carries its owner (pid and start time), so any instance can tell a dead one's
    // leftovers — directories and cgroups alike — from a live one's without asking it.
    this.cgroupScope = newId(`inst-${process.pid}-${startTime(process.pid) ?? 0}-`, 6);
    this.instanceDir = path.join(options.rootDir, this.cgroupScope);
    ensureOwnDir(this.instanceDir);
    // The longest unix socket path the host binds here (a registry proxy's) must fit sockaddr_un.
    if (path.join(this.instanceDir, "s0000", "run", "proxy-000000000000.sock").length > 107) {
      throw new Error(`The sandbox directory ${options.rootDir} is too long a path for unix sockets; choose a shorter one.`);
    }
    this.writeEtc();
    this.stagedTemplates = existsSync(options.templatesDir) ? stageTemplates(options.templatesDir, options.rootDir) : options.templatesDir;
    const arch = seccompArch();
    if (arch) {
      const file = path.join(this.instanceDir, "seccomp.bpf");
      writeFileSync(file, seccompFilter(arch), { mode: 0o444 });
      this.seccomp = { file, syscalls: launcherSyscalls(arch) };
    } else this.seccomp = null;
    this.ready = this.sweepDeadInstances();
    this.reaper = setInterval(() => void this.reap(), options.reapIntervalMs ?? 1_000);
    this.reaper.unref();
  }

  preflight() {
    if (!this.seccomp) return Promise.resolve({ ok: false, problem: `The local sandbox needs x86_64 or arm64 for its seccomp filter (this is ${process.arch}); configure E2B.` });
    return localSandboxPreflight();
  }

  templates(): string[] {
    return TEMPLATES.filter((t) => existsSync(path.join(this.options.templatesDir, t)));
  }

  async create(options: CreateSandboxOptions): Promise<Sandbox> {
    await this.ready;
    if (!this.templates().includes(options.template)) {
      throw new AppError("bad_request:validation", `Unknown template "${options.template}"; available: ${this.templates().join(", ")}.`);
    }
    this.checkOwnerCap(options.ownerId);
    if (this.sandboxes.size >= (this.options.maxTotal ?? 32)) await this.makeRoomFor(options.ownerId);
    const preflight = await this.preflight();
    if (!preflight.ok || !this.seccomp) throw new AppError("unavailable:sandbox", preflight.problem ?? "The local sandbox is unavailable.");

    const id = newId("sbx_", 24);
    const limits = clampLimits(DEFAULT_SANDBOX_LIMITS, CEILING, options.limits);
    const identity = allocateIdentity();
    // A short directory name: unix socket paths under it must stay within 108 bytes.
    const dir = path.join(this.instanceDir, `s${++this.sequence}`);
    const runDir = path.join(dir, "run");
    mkdirSync(path.join(runDir, "ports"), { recursive: true, mode: 0o755 });
    // The sandbox may create its relay sockets in ports/ and nothing else here.
    if (identity.switchTo) chownSync(path.join(runDir, "ports"), identity.uid, identity.gid);
    const now = new Date();
    const info: SandboxInfo = {
      id,
      provider: this.name,
      template: options.template,
      ownerId: options.ownerId,
      projectId: options.projectId,
      metadata: { ...(options.metadata ?? {}) },
      createdAt: now,
      expiresAt: new Date(now.getTime() + (options.timeoutMs ?? this.options.defaultTimeoutMs ?? 15 * 60_000)),
      status: "running",
    };
    const staged = (name: string) => path.join(this.stagedTemplates, name);
    const layout: SandboxLayout = {
      etcDir: path.join(this.instanceDir, "etc"),
      emptyDir: path.join(this.instanceDir, "empty"),
      emptyFile: path.join(this.instanceDir, "empty-file"),
      templateDir: existsSync(staged(options.template)) ? staged(options.template) : undefined,
      kernelDir: staged("python"),
      runtimeDir: staged("runtime"),
      runDir,
      workspaceBytes: limits.diskBytes,
      tmpBytes: Math.min(limits.diskBytes, TMP_BYTES),
      homeBytes: HOME_BYTES,
    };
    const sandbox = new LocalSandbox({
      info,
      limits,
      layout,
      identity,
      seccomp: this.seccomp,
      // The workspace lives in memory, so the memory cap covers processes and files together.
      cgroup: createCgroup(this.cgroupScope, id, { maxProcesses: limits.maxProcesses, memoryBytes: limits.memoryBytes + limits.diskBytes }),
      onViolation: (target) => securityEvent("sandbox.violation", { sandboxId: id, ownerId: info.ownerId, kind: "network", target }),
      onKill: (sid) => this.destroy(sid),
      previewUrl: this.options.previewUrl ?? (async () => {
        throw new AppError("unavailable:sandbox", "Previews are not served by this provider configuration.");
      }),
    });
    this.sandboxes.set(id, { sandbox, identity, dir });
    return sandbox;
  }

  private owned(id: string, ownerId: string): LocalSandbox {
    const sandbox = this.sandboxes.get(id)?.sandbox;
    // Someone else's sandbox and no sandbox look the same from outside: no existence leak.
    if (!sandbox || sandbox.info.ownerId !== ownerId || sandbox.info.status !== "running") {
      throw new AppError("not_found", "No such sandbox.");
    }
    return sandbox;
  }

  /**
   * Hand a pooled sandbox to its first real owner. Only a sandbox still held by `fromOwner` (the
   * pool) can be adopted, and only once; its TTL starts again from now.
   */
  async adopt(id: string, fromOwner: string, to: Pick<CreateSandboxOptions, "ownerId" | "projectId" | "metadata" | "timeoutMs">): Promise<Sandbox> {
    const sandbox = this.owned(id, fromOwner);
    // A warm sandbox counts against its new owner like a new one: the pool is no way around the cap.
    this.checkOwnerCap(to.ownerId);
    const info = sandbox.mutableInfo();
    info.ownerId = to.ownerId;
    info.projectId = to.projectId;
    info.metadata = { ...(to.metadata ?? {}) };
    info.expiresAt = new Date(Date.now() + (to.timeoutMs ?? this.options.defaultTimeoutMs ?? 15 * 60_000));
    return sandbox;
  }

  private running(): SandboxInfo[] {
    return [...this.sandboxes.values()].map((s) => s.sandbox.info).filter((i) => i.status === "running");
  }

  private checkOwnerCap(ownerId: string): void {
    if (this.running().filter((s) => s.ownerId === ownerId).length >= (this.options.maxPerOwner ?? 4)) {
      throw new AppError("rate_limit:quota", "You have as many sandboxes running as allowed; stop one first.");
    }
  }

  /**
   * At the host's cap, a newcomer is not locked out by people who hold many: a warm pooled sandbox
   * goes first, then the least recently used sandbox of whoever holds the most — but only if they
   * hold at least two more than the newcomer will, so two people never take turns evicting each other.
   */
  private async makeRoomFor(ownerId: string): Promise<void> {
    const all = this.running().sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
    let victim = all.find((s) => s.ownerId === POOL_OWNER);
    if (!victim) {
      const counts = new Map<string, number>();
      for (const s of all) counts.set(s.ownerId, (counts.get(s.ownerId) ?? 0) + 1);
      const mine = counts.get(ownerId) ?? 0;
      const [heaviest, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
      if (heaviest !== undefined && count > mine + 1) victim = all.find((s) => s.ownerId === heaviest);
    }
    if (!victim) throw new AppError("unavailable:sandbox", "The server is running as many sandboxes as it allows; try again shortly.");
    log().info({ event: "sandbox.fair_share", stopped: victim.id, from: victim.ownerId, for: ownerId }, "stopped a sandbox to make room at the host's cap");
    await this.destroy(victim.id);
  }

  async connect(id: string, ownerId: string): Promise<Sandbox> {
    return this.owned(id, ownerId);
  }

  async kill(id: string, ownerId: string): Promise<void> {
    this.owned(id, ownerId);
    await this.destroy(id);
  }

  async list(ownerId: string) {
    // After the start-up sweep, so a caller never acts on a host still holding a dead instance's leftovers.
    await this.ready;
    return this.running().filter((s) => s.ownerId === ownerId);
  }

  /** Kill everything and stop the reaper (server shutdown, tests). */
  async shutdown(): Promise<void> {
    clearInterval(this.reaper);
    await this.ready;
    await Promise.all([...this.sandboxes.keys()].map((id) => this.destroy(id)));
    await removeScope(this.cgroupScope);
    rmSync(this.instanceDir, { recursive: true, force: true });
  }

  private async destroy(id: string): Promise<void> {
    const entry = this.sandboxes.get(id);
    if (!entry) return;
    this.sandboxes.delete(id);
    await entry.sandbox.terminate();
    rmSync(entry.dir, { recursive: true, force: true });
    releaseIdentity(entry.identity);
  }

  private async reap(): Promise<void> {
    const now = Date.now();
    for (const [id, { sandbox }] of this.sandboxes) {
      if (sandbox.info.expiresAt.getTime() <= now) await this.destroy(id);
    }
  }

  /** Directories and cgroups of instances whose process has ended (a crashed or killed server). */
  private async sweepDeadInstances(): Promise<void> {
    for (const name of readdirSync(this.options.rootDir)) {
      if (isDeadInstance(name)) rmSync(path.join(this.options.rootDir, name), { recursive: true, force: true });
    }
    for (const scope of listScopes()) if (isDeadInstance(scope)) await removeScope(scope);
  }

  private writeEtc(): void {
    const etc = path.join(this.instanceDir, "etc");
    mkdirSync(etc, { recursive: true, mode: 0o755 });
    mkdirSync(path.join(this.instanceDir, "empty"), { mode: 0o755 });
    writeFileSync(path.join(this.instanceDir, "empty-file"), "", { mode: 0o444 });
    const files: Record<(typeof ETC_FILES)[number], string> = {
      passwd: "root:x:0:0:root:/root:/usr/sbin/nologin\nuser:x:1000:1000:sandbox:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
      group: "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n",
      hosts: "127.0.0.1 localhost sandbox\n::1 localhost\n",
      "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
      "resolv.conf": "# no DNS inside the sandbox\n",
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(etc, name), content, { mode: 0o644 });
  }
}
