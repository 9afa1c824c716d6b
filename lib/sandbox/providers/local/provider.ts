import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { AppError } from "../../../errors";
import { securityEvent } from "../../../log";
import { localSandboxPreflight } from "../../preflight";
import { clampLimits, DEFAULT_SANDBOX_LIMITS } from "../../limits";
import type { CreateSandboxOptions, Sandbox, SandboxInfo, SandboxLimits, SandboxProvider } from "../../types";
import { ETC_FILES } from "./bwrap";
import { createCgroup, cgroupLayout, removeScope, removeStaleCgroups } from "./cgroups";
import { LocalSandbox } from "./sandbox";

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

export interface LocalProviderOptions {
  /** Where sandbox directories live (DATA_DIR/sandboxes). */
  rootDir: string;
  /** Where templates live (templates/). */
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

function newId(): string {
  // 120 bits, lowercase base32: usable in paths, cgroup names and hostnames.
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return "sbx_" + [...randomBytes(24)].map((b) => alphabet[b & 31]).join("");
}

/**
 * Sandboxes on this machine, in bubblewrap. Owner and project are recorded at creation; every
 * call that names a sandbox checks the owner and answers "not found" to anyone else. A reaper
 * kills sandboxes past their TTL; directories and cgroups left by a crashed server are removed at
 * start-up.
 */
export class LocalSandboxProvider implements SandboxProvider {
  readonly name = "local";
  private readonly sandboxes = new Map<string, LocalSandbox>();
  private readonly reaper: NodeJS.Timeout;
  private readonly etcDir: string;
  private readonly ready: Promise<void>;
  /** This instance's cgroup subtree, derived from its data directory. */
  readonly cgroupScope: string;

  constructor(private readonly options: LocalProviderOptions) {
    mkdirSync(options.rootDir, { recursive: true });
    this.cgroupScope = "i" + createHash("sha256").update(path.resolve(options.rootDir)).digest("hex").slice(0, 12);
    this.etcDir = path.join(options.rootDir, ".etc");
    this.writeEtc();
    this.ready = this.removeOrphans();
    this.reaper = setInterval(() => void this.reap(), options.reapIntervalMs ?? 1_000);
    this.reaper.unref();
  }

  preflight() {
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
    if (this.sandboxes.size >= (this.options.maxTotal ?? 32)) {
      throw new AppError("unavailable:sandbox", "The server is running as many sandboxes as it allows; try again shortly.");
    }
    const preflight = await localSandboxPreflight();
    if (!preflight.ok) throw new AppError("unavailable:sandbox", preflight.problem ?? "The local sandbox is unavailable.");

    const id = newId();
    const limits = clampLimits(DEFAULT_SANDBOX_LIMITS, CEILING, options.limits);
    const dir = path.join(this.options.rootDir, id);
    const projectDir = path.join(dir, "project");
    const runDir = path.join(dir, "run");
    mkdirSync(projectDir, { recursive: true });
    mkdirSync(runDir, { recursive: true });
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
    writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ ...info, serverPid: process.pid }));
    const templateDir = path.join(this.options.templatesDir, options.template);
    const sandbox = new LocalSandbox({
      info,
      limits,
      cgroup: createCgroup(this.cgroupScope, id, { maxProcesses: limits.maxProcesses, memoryBytes: limits.memoryBytes }),
      mounts: {
        projectDir,
        etcDir: this.etcDir,
        templateDir: existsSync(templateDir) ? templateDir : undefined,
        readOnly: [
          [path.join(this.options.templatesDir, "python"), "/opt/kernel"],
          [path.join(this.options.templatesDir, "runtime"), "/opt/tessera"],
        ],
        binds: [[runDir, "/run/tessera"]],
        tmpBytes: Math.min(limits.diskBytes, 256 * 1024 * 1024),
      },
      kernelDir: path.join(this.options.templatesDir, "python"),
      socketDir: runDir,
      onViolation: (target) => securityEvent("sandbox.violation", { sandboxId: id, ownerId: info.ownerId, kind: "network", target }),
      onKill: (sid) => this.destroy(sid),
      onTimeout: () => {},
      previewUrl: this.options.previewUrl ?? (async () => {
        throw new AppError("unavailable:sandbox", "Previews are not served by this provider configuration.");
      }),
    });
    this.sandboxes.set(id, sandbox);
    return sandbox;
  }

  private owned(id: string, ownerId: string): LocalSandbox {
    const sandbox = this.sandboxes.get(id);
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

  private checkOwnerCap(ownerId: string): void {
    const mine = [...this.sandboxes.values()].filter((s) => s.info.ownerId === ownerId && s.info.status === "running");
    if (mine.length >= (this.options.maxPerOwner ?? 4)) {
      throw new AppError("rate_limit:quota", "You have as many sandboxes running as allowed; stop one first.");
    }
  }

  async connect(id: string, ownerId: string): Promise<Sandbox> {
    return this.owned(id, ownerId);
  }

  async kill(id: string, ownerId: string): Promise<void> {
    this.owned(id, ownerId);
    await this.destroy(id);
  }

  async list(ownerId: string) {
    return [...this.sandboxes.values()].filter((s) => s.info.ownerId === ownerId && s.info.status === "running").map((s) => s.info);
  }

  /** Kill everything and stop the reaper (server shutdown, tests). */
  async shutdown(): Promise<void> {
    clearInterval(this.reaper);
    await Promise.all([...this.sandboxes.keys()].map((id) => this.destroy(id)));
    removeScope(this.cgroupScope);
  }

  private async destroy(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    this.sandboxes.delete(id);
    await sandbox.terminate();
    rmSync(path.join(this.options.rootDir, id), { recursive: true, force: true });
  }

  private async reap(): Promise<void> {
    const now = Date.now();
    for (const [id, sandbox] of this.sandboxes) {
      if (sandbox.info.expiresAt.getTime() <= now) await this.destroy(id);
    }
  }

  private async removeOrphans(): Promise<void> {
    const live = new Set(this.sandboxes.keys());
    for (const name of readdirSync(this.options.rootDir)) {
      if (name.startsWith("sbx_") && !live.has(name)) rmSync(path.join(this.options.rootDir, name), { recursive: true, force: true });
    }
    if (cgroupLayout()) await removeStaleCgroups(this.cgroupScope, live, (d) => (existsSync(d) ? readdirSync(d) : []));
  }

  private writeEtc(): void {
    mkdirSync(this.etcDir, { recursive: true });
    const files: Record<(typeof ETC_FILES)[number], string> = {
      passwd: "root:x:0:0:root:/root:/usr/sbin/nologin\nuser:x:1000:1000:sandbox:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
      group: "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n",
      hosts: "127.0.0.1 localhost sandbox\n::1 localhost\n",
      "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
      "resolv.conf": "# no DNS inside the sandbox\n",
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(this.etcDir, name), content);
  }
}
