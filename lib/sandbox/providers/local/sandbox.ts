import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, closeSync, lstatSync, openSync, readFileSync, rmSync, statfsSync } from "node:fs";
import path from "node:path";
import { AppError } from "../../../errors";
import { log } from "../../../log";
import { checkCommandEnv } from "../../command-env";
import { normalizeSandboxPath } from "../../paths";
import { PythonKernel } from "../../python-kernel";
import type {
  BackgroundCommand,
  CommandResult,
  Execution,
  FileEntry,
  RunCodeOptions,
  RunCommandOptions,
  Sandbox,
  SandboxInfo,
  SandboxLimits,
  SandboxMetrics,
} from "../../types";
import { holderArgs, HOME, KERNEL_MOUNT, RUN_MOUNT, RUNTIME_MOUNT, WORKSPACE, type SandboxLayout } from "./bwrap";
import type { CommandCgroup, SandboxCgroup } from "./cgroups";
import { dropTo, type HostIdentity } from "./host-identity";
import { registryHosts, startRegistryProxy } from "./registry-proxy";
import type { LauncherSyscalls } from "./seccomp";
import { joinArgs, RLIMIT } from "./join";
import { collect, killGroup, spawnJoined, spawnSandboxed } from "./spawn";

const BASE_ENV = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME, LANG: "C.UTF-8", MPLBACKEND: "Agg", MPLCONFIGDIR: "/tmp/matplotlib", TMPDIR: "/tmp" };

type ExecOptions = Omit<RunCommandOptions, "stdin"> & { stdin?: string | Uint8Array; maxOutputBytes?: number };

export interface SeccompHandle {
  /** The filter program; each launcher gets its own descriptor of it (a shared one shares its offset). */
  file: string;
  syscalls: LauncherSyscalls;
}

export interface LocalSandboxDeps {
  info: SandboxInfo;
  limits: SandboxLimits;
  layout: SandboxLayout;
  cgroup: SandboxCgroup | null;
  identity: HostIdentity;
  seccomp: SeccompHandle;
  onViolation: (target: string) => void;
  onKill: (id: string) => Promise<void>;
  /** Publish a relayed port as a preview; returns its URL. */
  previewUrl: (info: SandboxInfo, port: number, socketPath: string) => Promise<string>;
}

interface Spawned {
  child: ChildProcess;
  group: CommandCgroup | null;
  killAll: () => Promise<void>;
}

export class LocalSandbox implements Sandbox {
  private readonly running = new Set<Spawned>();
  private kernel?: { spawned: Spawned; client: PythonKernel };
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
      const filter = openSync(this.deps.seccomp.file, "r");
      let child: ChildProcess;
      try {
        child = spawnSandboxed({
          launcher: ["/usr/bin/bwrap", ...holderArgs({ layout: this.deps.layout, env: BASE_ENV, hostname: "sandbox", seccompFd: 3 }, ["/usr/bin/sleep", "infinity"])],
          limits: { ...this.deps.limits, cpuSeconds: 1 },
          cgroupJoin: this.deps.cgroup?.joinScript,
          identity: dropTo(this.deps.identity),
          extraFds: [filter],
        });
      } finally {
        closeSync(filter);
      }
      child.stdin?.end();
      child.stdout?.resume();
      // bwrap's own complaints (a refused namespace, a missing path) explain a sandbox that did not
      // start; they go to the log, never to a client (they name host paths).
      let complaint = "";
      child.stderr?.setEncoding("utf8");
      child.stderr?.on("data", (text: string) => {
        complaint = (complaint + text).slice(-2_000);
      });
      this.holderProcess = child;
      child.on("close", () => {
        if (!this.killed) void this.deps.onKill(this.deps.info.id);
      });
      try {
        return await innermostPid(child);
      } catch (err) {
        log().warn({ sandboxId: this.deps.info.id, stderr: complaint.trim() }, "the sandbox's holder did not start");
        throw err;
      }
    })();
    return this.holder;
  }

  private async spawn(argv: string[], options: { cwd?: string; env?: Record<string, string>; events?: boolean; cpuSeconds?: number; proxySocket?: string }): Promise<Spawned> {
    this.ensureAlive();
    let env: Record<string, string> = { ...BASE_ENV, ...checkCommandEnv(options.env) };
    if (options.proxySocket) {
      // Install step: the command runs behind the in-sandbox bridge to the host's registry proxy.
      env = { ...env, npm_config_cache: "/tmp/npm-cache", PIP_CACHE_DIR: "/tmp/pip-cache" };
      argv = ["/usr/bin/node", `${RUNTIME_MOUNT}/bridge.mjs`, `${RUN_MOUNT}/${path.basename(options.proxySocket)}`, ...argv];
    }
    const cwd = options.cwd ? path.posix.join(WORKSPACE, normalizeSandboxPath(options.cwd)) : WORKSPACE;
    const holderPid = await this.ensureHolder();
    this.ensureAlive();
    const group = this.deps.cgroup?.command() ?? null;
    // The kernel's event pipe is fd 3 and the filter comes after it; for anything else the filter is fd 3.
    const seccompFd = options.events ? 4 : 3;
    const filter = openSync(this.deps.seccomp.file, "r");
    const limits = this.deps.limits;
    const cpu = options.cpuSeconds ?? limits.cpuSeconds;
    let child: ChildProcess;
    try {
      const launcher = joinArgs(
        {
          syscalls: this.deps.seccomp.syscalls,
          cgroups: group?.procsFiles ?? [],
          limits: [
            // Soft limit first: SIGXCPU names the reason; the hard limit a second later is SIGKILL.
            [RLIMIT.CPU, cpu, cpu + 1],
            [RLIMIT.NOFILE, limits.maxOpenFiles, limits.maxOpenFiles],
            [RLIMIT.FSIZE, limits.maxFileBytes, limits.maxFileBytes],
            [RLIMIT.CORE, 0, 0],
            // Without cgroups these stand in for the sandbox-wide caps (per uid and per process).
            ...(group ? [] : ([[RLIMIT.NPROC, limits.maxProcesses, limits.maxProcesses], [RLIMIT.AS, limits.memoryBytes, limits.memoryBytes]] as [number, number, number][])),
          ],
          identity: this.deps.identity.switchTo ? this.deps.identity : undefined,
          holderPid,
          cwd,
          seccompFd,
          env,
        },
        argv,
      );
      child = spawnJoined(launcher, options.events ? ["pipe", filter] : [filter]);
    } catch (err) {
      void group?.remove();
      throw err;
    } finally {
      closeSync(filter);
    }
    const spawned: Spawned = {
      child,
      group,
      killAll: async () => {
        if (group) await group.kill();
        else killGroup(child);
      },
    };
    this.running.add(spawned);
    child.on("close", () => {
      this.running.delete(spawned);
      void group?.remove();
    });
    return spawned;
  }

  private async exec(argv: string[], options: ExecOptions = {}): Promise<CommandResult> {
    if (options.network?.mode !== "registries") return this.runToEnd(argv, options);
    // Install step: a registry proxy on a unix socket for this one command, in a directory the
    // sandbox can read but not change (so it cannot swap the socket for anything of its own).
    const socket = path.join(this.deps.layout.runDir, `proxy-${randomBytes(6).toString("hex")}.sock`);
    const proxy = await startRegistryProxy(socket, await registryHosts(), this.deps.onViolation);
    if (this.deps.identity.switchTo) chownSync(socket, this.deps.identity.uid, this.deps.identity.gid);
    try {
      return await this.runToEnd(argv, options, socket);
    } finally {
      await proxy.close();
      rmSync(socket, { force: true });
    }
  }

  private async runToEnd(argv: string[], options: ExecOptions, proxySocket?: string): Promise<CommandResult> {
    const spawned = await this.spawn(argv, { cwd: options.cwd, env: options.env, proxySocket });
    const hitsBefore = this.deps.cgroup?.memoryLimitHits() ?? 0;
    return collect(spawned.child, {
      memoryHit: () => (this.deps.cgroup?.memoryLimitHits() ?? 0) > hitsBefore,
      timeoutMs: Math.min(options.timeoutMs ?? this.deps.limits.commandTimeoutMs, this.deps.limits.commandTimeoutMs),
      maxOutputBytes: options.maxOutputBytes ?? this.deps.limits.maxOutputBytes,
      onStdout: options.onStdout,
      onStderr: options.onStderr,
      stdin: options.stdin,
      killAll: spawned.killAll,
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
      if (result.exitCode !== 0) {
        const full = /No space left/.test(result.stderr);
        throw new AppError(full ? "payload_too_large" : "bad_request:validation", full ? `Could not write ${rel}: the project is over its disk cap.` : `Could not write ${rel}: ${result.stderr.trim().slice(0, 200)}`);
      }
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
      const spawned = await this.spawn(command, { cwd: options.cwd, env: options.env });
      // Background processes live until they exit, the sandbox is killed, or the TTL reaps it.
      const done = collect(spawned.child, {
        timeoutMs: Math.max(1, this.deps.info.expiresAt.getTime() - Date.now()),
        maxOutputBytes: this.deps.limits.maxOutputBytes,
        onStdout: options.onStdout,
        onStderr: options.onStderr,
        stdin: options.stdin,
        killAll: spawned.killAll,
      });
      return { pid: spawned.child.pid ?? -1, wait: () => done, kill: spawned.killAll };
    },
  };

  async runCode(code: string, options: RunCodeOptions = {}): Promise<Execution> {
    const kernel = await this.startKernel();
    // A run whose client went away stops its code: the call's process and all it started are
    // killed (the supervisor, which runs no user code, stays), and the call ends as it would have.
    const spawned = this.kernel?.spawned;
    // During a call the supervisor has no other child than the call's process: kill all but the
    // supervisor and its launcher.
    const stop = () => void (spawned?.group ? spawned.group.kill(kernelOwn(spawned, false)) : undefined);
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    options.signal?.addEventListener("abort", stop, { once: true });
    try {
      return await kernel.execute(code, {
        timeoutMs: Math.min(options.timeoutMs ?? this.deps.limits.commandTimeoutMs, this.deps.limits.commandTimeoutMs),
        onStdout: options.onStdout,
        onStderr: options.onStderr,
        prelude: options.prelude,
        maxOutputBytes: this.deps.limits.maxOutputBytes,
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "timeout") throw new AppError("bad_request:validation", "The code ran past its time limit and was stopped.");
      if (code === "exited") {
        if (!this.kernel) throw new AppError("bad_request:validation", `The Python kernel ended unexpectedly (${(err as Error).message}); it starts again on the next run.`);
        throw new AppError("bad_request:validation", `${(err as Error).message}.`);
      }
      if (code === "protocol" || code === "dead") {
        this.stopKernel();
        throw new AppError("bad_request:validation", "The Python process stopped answering properly and was restarted.");
      }
      throw err;
    } finally {
      options.signal?.removeEventListener("abort", stop);
    }
  }

  private async startKernel(): Promise<PythonKernel> {
    if (this.kernel) return this.kernel.client;
    // -I: no user site directory, no PYTHON* variables, no script directory on the path: the
    // supervisor imports nothing the sandbox could have planted.
    const spawned = await this.spawn(["/usr/bin/python3", "-I", "-u", `${KERNEL_MOUNT}/kernel.py`], { events: true, cpuSeconds: this.deps.limits.cpuSeconds * 10 });
    const client = new PythonKernel(spawned.child, {}, {
      onStuck: () => void spawned.killAll(),
      // Every process a call started is killed before the next call (the supervisor has killed
      // them already; this does not rely on it): only the supervisor, its launcher and the child
      // the supervisor forks ahead of the next call may stay.
      afterCall: async () => {
        if (spawned.group) await spawned.group.kill(kernelOwn(spawned));
      },
    });
    this.kernel = { spawned, client };
    spawned.child.on("close", () => {
      if (this.kernel?.spawned === spawned) this.kernel = undefined;
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
    void this.kernel.spawned.killAll();
    this.kernel = undefined;
  }

  /**
   * A server listening on `port` inside the sandbox, published at a capability URL: a relay in the
   * sandbox exposes the port as a unix socket the host reaches (the sandbox still has no network).
   * The socket's directory is the only one the sandbox may write under /run/tessera; the host opens
   * the socket without following links, so planting a symlink there leads nowhere.
   */
  async preview(port: number): Promise<string> {
    this.ensureAlive();
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AppError("bad_request:validation", "Port must be 1–65535.");
    let socket = this.portRelays.get(port);
    if (!socket) {
      const name = `port-${port}.sock`;
      const hostPath = path.join(this.deps.layout.runDir, "ports", name);
      const relay = await this.commands.start(["/usr/bin/node", `${RUNTIME_MOUNT}/port-relay.mjs`, `${RUN_MOUNT}/ports/${name}`, String(port)]);
      let ended = false;
      void relay.wait().then(() => (ended = true));
      // Node's start-up inside the sandbox: well under a second, several on a loaded machine.
      for (let i = 0; i < 500 && !ended && !isSocket(hostPath); i++) await new Promise((r) => setTimeout(r, 20));
      if (!isSocket(hostPath)) {
        await relay.kill();
        throw new AppError("unavailable:sandbox", `Could not open a preview of port ${port}.`);
      }
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
      diskBytes: await this.workspaceBytes(),
      processes: this.deps.cgroup?.processes() ?? this.running.size,
    };
  }

  /** Bytes in /workspace, from its tmpfs (through the holder's root; nothing there is followed). */
  private async workspaceBytes(): Promise<number> {
    const pid = this.holder ? await this.holder : undefined;
    if (!pid) return 0;
    try {
      const st = statfsSync(`/proc/${pid}/root${WORKSPACE}`);
      return (st.blocks - st.bfree) * st.bsize;
    } catch {
      return 0;
    }
  }

  async setTimeout(timeoutMs: number): Promise<void> {
    this.ensureAlive();
    this.deps.info.expiresAt = new Date(Date.now() + timeoutMs);
  }

  /** Stop every process and release the cgroup; the provider removes the files. */
  async terminate(): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    this.deps.info.status = "killed";
    const children = [...[...this.running].map((s) => s.child), ...(this.holderProcess ? [this.holderProcess] : [])];
    if (this.deps.cgroup) await this.deps.cgroup.killAll();
    for (const child of children) killGroup(child);
    this.kernel = undefined;
    await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("close", () => resolve())))));
    await this.deps.cgroup?.remove();
  }

  kill(): Promise<void> {
    return this.deps.onKill(this.deps.info.id);
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * The kernel's own processes in its cgroup: its launcher (the process we spawned), the supervisor
 * (the launcher's child) and, between calls, the supervisor's own children (its spare).
 */
function kernelOwn(spawned: Spawned, withSpare = true): Set<number> {
  const launcher = spawned.child.pid;
  const pids = spawned.group?.pids() ?? [];
  const supervisor = pids.find((pid) => parentOf(pid) === launcher);
  const keep = new Set<number>(launcher !== undefined ? [launcher] : []);
  if (supervisor !== undefined) {
    keep.add(supervisor);
    if (withSpare) for (const pid of pids) if (parentOf(pid) === supervisor) keep.add(pid);
  }
  return keep;
}

function isSocket(file: string): boolean {
  try {
    return lstatSync(file).isSocket();
  } catch {
    return false;
  }
}

/** The holder's sleep: bwrap forks (twice with --disable-userns); the innermost process is in every namespace. */
async function innermostPid(child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 10_000;
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
