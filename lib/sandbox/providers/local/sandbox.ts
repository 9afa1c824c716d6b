import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { AppError } from "../../../errors";
import { checkCommandEnv } from "../../command-env";
import { normalizeSandboxPath } from "../../paths";
import { PythonKernel } from "../../python-kernel";
import type {
  BackgroundCommand,
  CommandResult,
  Execution,
  FileEntry,
  RunCommandOptions,
  Sandbox,
  SandboxInfo,
  SandboxLimits,
  SandboxMetrics,
} from "../../types";
import { bwrapArgs, enterArgs, WORKSPACE, type BwrapMounts } from "./bwrap";
import type { SandboxCgroup } from "./cgroups";
import { registryHosts, startRegistryProxy } from "./registry-proxy";
import { collect, killTree, spawnSandboxed } from "./spawn";

const BASE_ENV = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/home/user", LANG: "C.UTF-8", MPLBACKEND: "Agg", MPLCONFIGDIR: "/tmp/matplotlib", TMPDIR: "/tmp" };

type ExecOptions = Omit<RunCommandOptions, "stdin"> & { stdin?: string | Uint8Array; maxOutputBytes?: number };

export interface LocalSandboxDeps {
  info: SandboxInfo;
  limits: SandboxLimits;
  mounts: BwrapMounts;
  cgroup: SandboxCgroup | null;
  kernelDir: string;
  /** Host side of the sandbox's /run/tessera: unix sockets to and from the host. */
  socketDir: string;
  onViolation: (target: string) => void;
  onKill: (id: string) => Promise<void>;
  onTimeout: (id: string, expiresAt: Date) => void;
  /** Publish a relayed port as a preview; returns its URL. */
  previewUrl: (info: SandboxInfo, port: number, socketPath: string) => Promise<string>;
}

export class LocalSandbox implements Sandbox {
  private readonly running = new Set<ChildProcess>();
  private kernel?: { process: ChildProcess; client: PythonKernel };
  private killed = false;
  private holder?: Promise<number>;
  private holderProcess?: ChildProcess;
  private readonly portRelays = new Map<number, string>();

  constructor(private readonly deps: LocalSandboxDeps) {}

  get info(): SandboxInfo {
    return { ...this.deps.info, status: this.killed ? "killed" : "running" };
  }

  /** The provider's handle on the record it owns (adoption from the warm pool). */
  mutableInfo(): SandboxInfo {
    return this.deps.info;
  }

  private ensureAlive(): void {
    if (this.killed) throw new AppError("not_found", "This sandbox has ended.");
  }

  /**
   * The sandbox's holder: one long-lived bwrap whose namespaces every command joins, so commands
   * share loopback (a server started in the background is reachable by the next command), the
   * process table and the filesystem, as in a VM. Started on first use; its end ends the sandbox.
   */
  private ensureHolder(): Promise<number> {
    this.holder ??= (async () => {
      const child = spawnSandboxed({
        launcher: ["bwrap", ...bwrapArgs({ mounts: this.deps.mounts, env: BASE_ENV, cwd: WORKSPACE, hostname: "sandbox" }, ["/usr/bin/sleep", "infinity"])],
        limits: { ...this.deps.limits, cpuSeconds: 1 },
        cgroupJoin: this.deps.cgroup?.joinScript,
      });
      child.stdin?.end();
      child.stdout?.resume();
      child.stderr?.resume();
      this.holderProcess = child;
      child.on("close", () => {
        if (!this.killed) void this.deps.onKill(this.deps.info.id);
      });
      return innermostPid(child);
    })();
    return this.holder;
  }

  private async spawn(
    argv: string[],
    options: { cwd?: string; env?: Record<string, string>; extraFds?: number; cpuSeconds?: number; proxySocket?: string },
  ): Promise<ChildProcess> {
    this.ensureAlive();
    let env: Record<string, string> = { ...BASE_ENV, ...checkCommandEnv(options.env) };
    if (options.proxySocket) {
      // Install step: the command runs behind the in-sandbox bridge to the host's registry proxy.
      env = { ...env, npm_config_cache: "/tmp/npm-cache", PIP_CACHE_DIR: "/tmp/pip-cache" };
      argv = ["/usr/bin/node", "/opt/tessera/bridge.mjs", `/run/tessera/${path.basename(options.proxySocket)}`, ...argv];
    }
    const cwd = options.cwd ? path.posix.join(WORKSPACE, normalizeSandboxPath(options.cwd)) : WORKSPACE;
    const holder = await this.ensureHolder();
    this.ensureAlive();
    const child = spawnSandboxed({
      launcher: enterArgs(holder, cwd, env, argv),
      limits: { ...this.deps.limits, cpuSeconds: options.cpuSeconds ?? this.deps.limits.cpuSeconds },
      cgroupJoin: this.deps.cgroup?.joinScript,
      extraFds: options.extraFds,
    });
    this.running.add(child);
    child.on("close", () => this.running.delete(child));
    return child;
  }

  /**
   * One per command: the command is killed when the project is over the disk cap and has grown
   * since the command started. A command that frees space (rm after a disk-fill) must be able to
   * finish even while the project is still over the cap, or the sandbox could never recover.
   */
  private diskWatchdog(): () => CommandResult["killedBy"] | undefined {
    const dir = this.deps.mounts.projectDir;
    const cap = this.deps.limits.diskBytes;
    const atStart = projectBytes(dir, cap);
    // Counting stops early past the cap, so an exact starting figure is needed only when over it.
    const startedOver = atStart > cap ? projectBytes(dir, Number.POSITIVE_INFINITY) : undefined;
    return () => {
      if (projectBytes(dir, cap) <= cap) return undefined;
      if (startedOver === undefined) return "killed";
      return projectBytes(dir, Number.POSITIVE_INFINITY) > startedOver ? "killed" : undefined;
    };
  }

  private async exec(argv: string[], options: ExecOptions = {}): Promise<CommandResult> {
    if (options.network?.mode !== "registries") return this.runToEnd(argv, options);
    // Install step: a registry proxy on a unix socket for this one command.
    const socket = path.join(this.deps.socketDir, `proxy-${randomBytes(6).toString("hex")}.sock`);
    const proxy = await startRegistryProxy(socket, await registryHosts(), this.deps.onViolation);
    try {
      return await this.runToEnd(argv, options, socket);
    } finally {
      await proxy.close();
      rmSync(socket, { force: true });
    }
  }

  private async runToEnd(argv: string[], options: ExecOptions, proxySocket?: string): Promise<CommandResult> {
    const child = await this.spawn(argv, { cwd: options.cwd, env: options.env, proxySocket });
    const hitsBefore = this.deps.cgroup?.memoryLimitHits() ?? 0;
    return collect(child, {
      memoryHit: () => (this.deps.cgroup?.memoryLimitHits() ?? 0) > hitsBefore,
      timeoutMs: Math.min(options.timeoutMs ?? this.deps.limits.commandTimeoutMs, this.deps.limits.commandTimeoutMs),
      maxOutputBytes: options.maxOutputBytes ?? this.deps.limits.maxOutputBytes,
      onStdout: options.onStdout,
      onStderr: options.onStderr,
      stdin: options.stdin,
      watchdog: this.diskWatchdog(),
    });
  }

  // Files are read and written by commands inside the sandbox, never by the host following paths
  // the sandbox controls: a symlink planted by generated code resolves inside the sandbox's view.
  files = {
    write: async (file: string, content: string | Uint8Array): Promise<void> => {
      const rel = normalizeSandboxPath(file);
      const bytes = typeof content === "string" ? Buffer.from(content) : content;
      if (bytes.byteLength > this.deps.limits.maxFileBytes) throw new AppError("payload_too_large", `${rel} is larger than the sandbox's file size cap.`);
      const result = await this.exec(["/bin/sh", "-c", 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', "sh", rel], { stdin: bytes });
      if (result.exitCode !== 0) throw new AppError("bad_request:validation", `Could not write ${rel}: ${result.stderr.trim().slice(0, 200)}`);
    },
    read: async (file: string): Promise<Uint8Array> => {
      const rel = normalizeSandboxPath(file);
      const result = await this.exec(["/bin/sh", "-c", 'test -f "$1" || exit 3; base64 -w0 -- "$1"', "sh", rel], {
        maxOutputBytes: Math.ceil((this.deps.limits.maxFileBytes * 4) / 3) + 16,
      });
      if (result.exitCode === 3) throw new AppError("not_found", `No file at ${rel}.`);
      if (result.exitCode !== 0) throw new AppError("bad_request:validation", `Could not read ${rel}.`);
      return new Uint8Array(Buffer.from(result.stdout, "base64"));
    },
    readText: async (file: string): Promise<string> => Buffer.from(await this.files.read(file)).toString("utf8"),
    list: async (dir = "."): Promise<FileEntry[]> => {
      const rel = dir === "." || dir === "" ? "." : normalizeSandboxPath(dir);
      const result = await this.exec(["/usr/bin/find", rel, "-mindepth", "1", "-maxdepth", "8", "-printf", "%y %s %P\\n"]);
      if (result.exitCode !== 0) throw new AppError("not_found", `No directory at ${rel}.`);
      return result.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [type, size, ...rest] = line.split(" ");
          const name = rest.join(" ");
          return { path: rel === "." ? name : `${rel}/${name}`, type: type === "d" ? ("dir" as const) : ("file" as const), size: Number(size) };
        });
    },
    remove: async (file: string): Promise<void> => {
      const rel = normalizeSandboxPath(file);
      await this.exec(["/bin/rm", "-rf", "--", rel]);
    },
  };

  commands = {
    run: async (command: string[], options: RunCommandOptions = {}): Promise<CommandResult> => {
      if (command.length === 0) throw new AppError("bad_request:validation", "Empty command.");
      return this.exec(command, options);
    },
    start: async (command: string[], options: RunCommandOptions = {}): Promise<BackgroundCommand> => {
      const child = await this.spawn(command, { cwd: options.cwd, env: options.env });
      // Background processes live until they exit, the sandbox is killed, or the TTL reaps it.
      const done = collect(child, {
        timeoutMs: Math.max(1, this.deps.info.expiresAt.getTime() - Date.now()),
        maxOutputBytes: this.deps.limits.maxOutputBytes,
        onStdout: options.onStdout,
        onStderr: options.onStderr,
        stdin: options.stdin,
        watchdog: this.diskWatchdog(),
      });
      return { pid: child.pid ?? -1, wait: () => done, kill: async () => killTree(child) };
    },
  };

  async runCode(code: string, options: { timeoutMs?: number; onStdout?: (s: string) => void; onStderr?: (s: string) => void } = {}): Promise<Execution> {
    const kernel = await this.startKernel();
    try {
      return await kernel.execute(code, {
        timeoutMs: Math.min(options.timeoutMs ?? this.deps.limits.commandTimeoutMs, this.deps.limits.commandTimeoutMs),
        onStdout: options.onStdout,
        onStderr: options.onStderr,
        maxOutputBytes: this.deps.limits.maxOutputBytes,
      });
    } catch (err) {
      // A timed-out or crashed kernel is replaced on the next call; its state is gone.
      this.stopKernel();
      const code = (err as { code?: string }).code;
      if (code === "timeout") throw new AppError("bad_request:validation", "The code ran past its time limit and was stopped; Python state was reset.");
      if (code === "exited") throw new AppError("bad_request:validation", `The Python process ended unexpectedly (${(err as Error).message}); state was reset.`);
      if (code === "protocol" || code === "dead") throw new AppError("bad_request:validation", "The Python process stopped answering properly and was restarted; state was reset.");
      throw err;
    }
  }

  private async startKernel(): Promise<PythonKernel> {
    if (this.kernel) return this.kernel.client;
    const child = await this.spawn(["/usr/bin/python3", "-u", "/opt/kernel/kernel.py"], { extraFds: 1, cpuSeconds: this.deps.limits.cpuSeconds * 10 });
    const client = new PythonKernel(child);
    this.kernel = { process: child, client };
    child.on("close", () => {
      if (this.kernel?.process === child) this.kernel = undefined;
    });
    try {
      await client.ready(15_000);
    } catch (err) {
      this.stopKernel();
      throw err;
    }
    return client;
  }

  private stopKernel(): void {
    if (!this.kernel) return;
    killTree(this.kernel.process);
    this.kernel = undefined;
  }

  /**
   * A server listening on `port` inside the sandbox, published at a capability URL: a relay in the
   * sandbox exposes the port as a unix socket the host reaches (the sandbox still has no network).
   */
  async preview(port: number): Promise<string> {
    this.ensureAlive();
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AppError("bad_request:validation", "Port must be 1–65535.");
    let socket = this.portRelays.get(port);
    if (!socket) {
      const name = `port-${port}.sock`;
      const hostPath = path.join(this.deps.socketDir, name);
      await this.commands.start(["/usr/bin/node", "/opt/tessera/port-relay.mjs", `/run/tessera/${name}`, String(port)]);
      for (let i = 0; i < 100 && !existsSync(hostPath); i++) await new Promise((r) => setTimeout(r, 20));
      if (!existsSync(hostPath)) throw new AppError("unavailable:sandbox", `Could not open a preview of port ${port}.`);
      socket = hostPath;
      this.portRelays.set(port, socket);
    }
    return this.deps.previewUrl(this.deps.info, port, socket);
  }

  async metrics(): Promise<SandboxMetrics> {
    this.ensureAlive();
    return {
      memoryBytes: this.deps.cgroup?.memoryBytesUsed() ?? 0,
      cpuSeconds: this.deps.cgroup?.cpuSeconds() ?? 0,
      diskBytes: projectBytes(this.deps.mounts.projectDir, Number.POSITIVE_INFINITY),
      processes: this.deps.cgroup?.processes() ?? this.running.size,
    };
  }

  async setTimeout(timeoutMs: number): Promise<void> {
    this.ensureAlive();
    const expiresAt = new Date(Date.now() + timeoutMs);
    this.deps.info.expiresAt = expiresAt;
    this.deps.onTimeout(this.deps.info.id, expiresAt);
  }

  /** Stop every process and release the cgroup; the provider removes the files. */
  async terminate(): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    this.deps.info.status = "killed";
    for (const child of this.running) killTree(child);
    // The holder's end takes every process left in the sandbox's pid namespace with it.
    if (this.holderProcess) killTree(this.holderProcess);
    this.kernel = undefined;
    await Promise.all(
      [...this.running, ...(this.holderProcess ? [this.holderProcess] : [])].map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("close", () => resolve())))),
    );
    await this.deps.cgroup?.remove();
  }

  kill(): Promise<void> {
    return this.deps.onKill(this.deps.info.id);
  }
}

/** Bytes under the project dir, without following links; stops counting once past `stopAt`. */
export function projectBytes(dir: string, stopAt: number): number {
  let total = 0;
  const stack = [dir];
  let visited = 0;
  while (stack.length && total <= stopAt && visited < 50_000) {
    const current = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      continue;
    }
    for (const name of names) {
      visited++;
      const full = path.join(current, name);
      try {
        const st = lstatSync(full);
        if (st.isDirectory()) stack.push(full);
        else total += st.blocks * 512;
      } catch {
        // vanished while walking
      }
    }
  }
  return total;
}

/** The holder's sleep: bwrap forks (twice with --disable-userns); the innermost process is in every namespace. */
async function innermostPid(child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    let pid = child.pid;
    while (pid !== undefined) {
      let children: string[] = [];
      try {
        children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
      } catch {
        break;
      }
      if (children.length === 0) break;
      pid = Number(children[0]);
    }
    if (pid !== undefined && pid !== child.pid) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "sleep") return pid;
      } catch {
        // raced with start-up; look again
      }
    }
    if (child.exitCode !== null || child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new AppError("unavailable:sandbox", "The sandbox did not start.");
}
