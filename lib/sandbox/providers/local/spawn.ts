import { spawn, type ChildProcess } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { OutputCollector } from "../../output";
import type { CommandResult, SandboxLimits } from "../../types";

/**
 * Start one sandboxed process under its limits and collect its output. rlimits (prlimit) cap CPU
 * seconds, open files, file size and core dumps for every process in the tree; the cgroup, when
 * there is one, caps processes and memory for the tree as a whole; without one, RLIMIT_NPROC and
 * RLIMIT_AS stand in. Output beyond the cap is counted and dropped, never buffered.
 */

export interface SpawnPlan {
  /** What runs under the limits: `bwrap …` for the sandbox's holder, `nsenter …` for commands. */
  launcher: string[];
  limits: SandboxLimits;
  /** Shell that moves the process into the sandbox's cgroup before bwrap starts, if any. */
  cgroupJoin?: string;
  extraFds?: number;
}

export function spawnSandboxed(plan: SpawnPlan): ChildProcess {
  const { limits } = plan;
  const prlimit = [
    "prlimit",
    // Soft limit first: SIGXCPU names the reason; the hard limit a second later is SIGKILL.
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--nofile=${limits.maxOpenFiles}`,
    `--fsize=${limits.maxFileBytes}`,
    "--core=0",
    ...(plan.cgroupJoin ? [] : [`--nproc=${limits.maxProcesses}`, `--as=${limits.memoryBytes}`]),
    "--",
    ...plan.launcher,
  ];
  const stdio: ("pipe" | "ignore")[] = ["pipe", "pipe", "pipe", ...Array.from({ length: plan.extraFds ?? 0 }, () => "pipe" as const)];
  // The host's environment never reaches a sandbox: bwrap also clears it, this is the launcher's own.
  const env = { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv;
  if (plan.cgroupJoin) {
    return spawn("/bin/sh", ["-c", `${plan.cgroupJoin} && exec "$@"`, "sh", ...prlimit], { stdio, env, detached: true });
  }
  return spawn(prlimit[0]!, prlimit.slice(1), { stdio, env, detached: true });
}

export interface CollectOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  stdin?: string | Uint8Array;
  /** Whether the memory cap was hit while the command ran (from the cgroup), to name a SIGKILL. */
  memoryHit?: () => boolean;
  /** Checked while the command runs; a reason to stop it, e.g. the disk cap. */
  watchdog?: () => CommandResult["killedBy"] | undefined;
}

/** Kill the whole process group (bwrap and, through its pid namespace, everything inside). */
export function killTree(child: ChildProcess): void {
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
      killTree(child);
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

    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (watch) clearInterval(watch);
      // SIGXCPU is how RLIMIT_CPU ends a process; a SIGKILL we did not send is the OOM killer when
      // the cgroup saw its memory cap hit, or the CPU hard limit otherwise. bwrap reports a
      // signalled child as 128 + the signal number.
      const sig = signal ?? (code !== null && code > 128 ? code - 128 : undefined);
      if (!killedBy && (sig === "SIGXCPU" || sig === 24)) killedBy = "cpu";
      if (!killedBy && (sig === "SIGKILL" || sig === 9)) killedBy = options.memoryHit?.() ? "memory" : "cpu";
      resolve(output.result(code ?? 128 + 9, killedBy, started));
    });
  });
}
