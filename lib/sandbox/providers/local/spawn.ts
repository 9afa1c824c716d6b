import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { constants } from "node:os";
import { StringDecoder } from "node:string_decoder";
import { OutputCollector } from "../../output";
import type { CommandResult, SandboxLimits } from "../../types";

/**
 * Start one sandboxed process under its limits and collect its output. rlimits (prlimit) cap CPU
 * seconds, open files, file size and core dumps for every process in the tree; the cgroup, when
 * there is one, caps processes, memory and CPU share for the sandbox as a whole and names the
 * command's processes; without one, RLIMIT_NPROC and RLIMIT_AS stand in. Output beyond the cap is
 * counted and dropped, never buffered.
 *
 * The launcher is `sh -c '<join cgroups> && exec "$@"'` → `env -i` → prlimit → (setpriv to the
 * sandbox's host uid) → bwrap or nsenter: the shell runs as the server's user only long enough to
 * enter the cgroups, and `env -i` leaves the sandbox's PID 1 an environment with nothing of the
 * host's (not even the server's working directory).
 */

export interface SpawnPlan {
  /** What runs under the limits: `bwrap …` for the sandbox's holder, `nsenter …` for commands. */
  launcher: string[];
  limits: SandboxLimits;
  /** Shell that moves the process into its cgroups before anything else runs, if there are any. */
  cgroupJoin?: string;
  /** Prefix that drops to the sandbox's host identity (setpriv), when the server is root. */
  identity?: string[];
  /** Extra descriptors from fd 3 on: "pipe" for a new pipe, or an fd of ours to pass (e.g. the seccomp program). */
  extraFds?: ("pipe" | number)[];
}

const LAUNCH_ENV = { PATH: "/usr/bin:/bin" };

export function spawnSandboxed(plan: SpawnPlan): ChildProcess {
  const { limits } = plan;
  const prlimit = [
    "/usr/bin/prlimit",
    // Soft limit first: SIGXCPU names the reason; the hard limit a second later is SIGKILL.
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--nofile=${limits.maxOpenFiles}`,
    `--fsize=${limits.maxFileBytes}`,
    "--core=0",
    ...(plan.cgroupJoin ? [] : [`--nproc=${limits.maxProcesses}`, `--as=${limits.memoryBytes}`]),
    "--",
    ...(plan.identity ?? []),
    ...plan.launcher,
  ];
  const argv = ["/usr/bin/env", "-i", ...Object.entries(LAUNCH_ENV).map(([k, v]) => `${k}=${v}`), ...prlimit];
  const stdio: StdioOptions = ["pipe", "pipe", "pipe", ...(plan.extraFds ?? [])];
  const options = { stdio, env: LAUNCH_ENV as unknown as NodeJS.ProcessEnv, cwd: "/", detached: true };
  if (plan.cgroupJoin) return spawn("/bin/sh", ["-c", `${plan.cgroupJoin} && exec "$@"`, "sh", ...argv], options);
  return spawn(argv[0]!, argv.slice(1), options);
}

/** A command's launcher (join.ts), spawned directly: it joins the cgroups and sets the rlimits itself. */
export function spawnJoined(argv: string[], extraFds: ("pipe" | number)[] = []): ChildProcess {
  const stdio: StdioOptions = ["pipe", "pipe", "pipe", ...extraFds];
  return spawn(argv[0]!, argv.slice(1), { stdio, env: LAUNCH_ENV as unknown as NodeJS.ProcessEnv, cwd: "/", detached: true });
}

export interface CollectOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  stdin?: string | Uint8Array;
  /** Whether the memory cap was hit while the command ran (from the cgroup), to name a SIGKILL. */
  memoryHit?: () => boolean;
  /** Checked while the command runs; a reason to stop it. */
  watchdog?: () => CommandResult["killedBy"] | undefined;
  /** Stops everything the command started (its cgroup, or its process group without one). */
  killAll: () => Promise<void>;
}

/** Kill the process group (bwrap and, through its pid namespace, everything inside; or nsenter's tree). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

export function collect(child: ChildProcess, options: CollectOptions): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let killedBy: CommandResult["killedBy"];
    const stop = (reason: CommandResult["killedBy"]) => {
      killedBy ??= reason;
      void options.killAll();
    };
    const output = new OutputCollector(options.maxOutputBytes, { onStdout: options.onStdout, onStderr: options.onStderr }, () => stop("output"));
    // A decoder per stream: a multi-byte character split across two reads stays whole.
    for (const stream of ["stdout", "stderr"] as const) {
      const decoder = new StringDecoder("utf8");
      child[stream]?.on("data", (data: Buffer) => output.take(stream, decoder.write(data)));
    }
    child.stdin?.on("error", () => {});
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();

    const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
    const watch = options.watchdog
      ? setInterval(() => {
          const reason = options.watchdog!();
          if (reason) stop(reason);
        }, 200)
      : undefined;

    // The command's own process is done: whatever it left running (a daemon that double-forked
    // out of its process tree, holding our pipes open) goes with it, so nothing outlives a command.
    child.once("exit", () => void options.killAll());
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (watch) clearInterval(watch);
      // SIGXCPU is how RLIMIT_CPU ends a process; a SIGKILL we did not send is the OOM killer when
      // the cgroup saw its memory cap hit, or the CPU hard limit otherwise. bwrap and nsenter report
      // a signalled child as 128 + the signal number.
      const sig = signal ?? (code !== null && code > 128 ? code - 128 : undefined);
      if (!killedBy && (sig === "SIGXCPU" || sig === 24)) killedBy = "cpu";
      if (!killedBy && (sig === "SIGKILL" || sig === 9)) killedBy = options.memoryHit?.() ? "memory" : "cpu";
      resolve(output.result(code ?? 128 + (signal ? (constants.signals[signal] ?? 9) : 9), killedBy, started));
    });
  });
}
