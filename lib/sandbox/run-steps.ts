import type { RunEvent } from "../fragment/protocol";
import { RunError, firstProblem } from "./run-error";
import type { RunTemplate } from "./run-templates";
import type { BackgroundCommand, CommandResult, Execution, Sandbox } from "./types";

/** The steps that make a written project into something to show: build, start a server, run code. */

export const BUILD_TIMEOUT_MS = 120_000;
export const STARTUP_TIMEOUT_MS = 30_000;
export const EXEC_TIMEOUT_MS = 60_000;
const PROBE_INTERVAL_MS = 150;
const OUTPUT_TAIL = 4_000;

type Emit = (event: RunEvent) => void;

/** Waits for a command, killing it past `timeoutMs` or when `signal` aborts. */
async function waitBounded(command: BackgroundCommand, timeoutMs: number, signal?: AbortSignal): Promise<{ result: CommandResult; stopped?: "timeout" | "abort" }> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<"timeout" | "abort">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    onAbort = () => resolve("abort");
    if (signal?.aborted) resolve("abort");
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const first = await Promise.race([command.wait(), stop]);
    if (typeof first !== "string") return { result: first };
    await command.kill();
    return { result: await command.wait(), stopped: first };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** Runs the template's build, streaming its output; a failure carries the compiler's own words. */
export async function build(sandbox: Sandbox, template: RunTemplate, emit: Emit, signal?: AbortSignal): Promise<void> {
  const command = await sandbox.commands.start(template.build!, {
    onStdout: (text) => emit({ type: "output", stream: "stdout", text }),
    onStderr: (text) => emit({ type: "output", stream: "stderr", text }),
  });
  const { result, stopped } = await waitBounded(command, BUILD_TIMEOUT_MS, signal);
  if (stopped === "abort") throw signal?.reason ?? new Error("aborted");
  const output = `${result.stderr}${result.stdout}`.trim();
  if (stopped === "timeout") throw new RunError("bad_request:validation", `The build did not finish within ${BUILD_TIMEOUT_MS / 1000} s and was stopped.`, "building", output);
  if (result.killedBy === "memory") throw new RunError("bad_request:validation", "The build ran out of memory.", "building", output);
  if (result.exitCode !== 0) {
    const problem = firstProblem(result.stderr) || firstProblem(result.stdout);
    throw new RunError("bad_request:validation", problem ? `The build failed: ${problem}` : `The build failed (exit code ${result.exitCode}).`, "building", output);
  }
}

// Servers the runner started, per sandbox, so the next run can stop the old one first.
const servers = new Map<string, BackgroundCommand>();

const PROBES = {
  python: ["python3", "-c", "import socket, sys\nsocket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.5).close()"],
  node: ["node", "-e", "require('net').connect(+process.argv[1], '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"],
};

/** The command that starts a server-style project: the template's own, or the Python entry file. */
export function startCommand(template: RunTemplate, entry: string): string[] | undefined {
  if (template.start) return template.start;
  if (template.serve === "none" && template.managers.includes("pip")) return ["python3", entry];
  return undefined;
}

/**
 * Starts the app in the background (stopping the one an earlier run started) and waits, bounded,
 * until something accepts connections on `port` inside the sandbox.
 */
export async function startServer(sandbox: Sandbox, template: RunTemplate, argv: string[] | undefined, port: number, emit: Emit, signal?: AbortSignal): Promise<void> {
  const id = sandbox.info.id;
  await servers.get(id)?.kill().catch(() => {});
  servers.delete(id);
  let tail = "";
  let live = true;
  const keep = (stream: "stdout" | "stderr") => (text: string) => {
    tail = (tail + text).slice(-OUTPUT_TAIL);
    if (live) emit({ type: "output", stream, text });
  };
  let exited: CommandResult | undefined;
  if (argv) {
    const server = await sandbox.commands.start(argv, { onStdout: keep("stdout"), onStderr: keep("stderr") });
    servers.set(id, server);
    void server.wait().then((r) => {
      exited = r;
      if (servers.get(id) === server) servers.delete(id);
    });
  }
  const probe = [...PROBES[template.managers.includes("pip") ? "python" : "node"], String(port)];
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      const answer = await sandbox.commands.run(probe, { timeoutMs: 5_000 });
      if (answer.exitCode === 0) return;
      if (exited) {
        const problem = firstProblem(tail);
        throw new RunError("bad_request:validation", `The app exited (code ${exited.exitCode}) before it listened on port ${port}${problem ? `: ${problem}` : "."}`, "starting", tail);
      }
      if (Date.now() > deadline) {
        throw new RunError("bad_request:validation", `Nothing answered on port ${port} within ${STARTUP_TIMEOUT_MS / 1000} s: does the app listen on 127.0.0.1 or 0.0.0.0, port ${port}?`, "starting", tail);
      }
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
    }
  } finally {
    // Later output of a running server belongs to no run: stop forwarding it.
    live = false;
  }
}

// Runs before the entry file, in the same session: project files and installed packages are
// importable, and (where a session outlives a run, as on E2B) modules imported from the project by
// an earlier run are forgotten, so an edited helper module is re-read instead of served from cache.
const PRELUDE = `def __tessera_prepare():
    import importlib, os, sys
    root = os.getcwd()
    for extra in (os.path.join(root, ".tessera", "python"), root):
        while extra in sys.path:
            sys.path.remove(extra)
        if os.path.isdir(extra):
            sys.path.insert(0, extra)
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(root + os.sep):
            del sys.modules[name]
    importlib.invalidate_caches()
__tessera_prepare()
del __tessera_prepare
`;

/** Runs the entry file in the sandbox's Python session; a Python exception is a result, not a failure. */
export async function execute(sandbox: Sandbox, code: string, emit: Emit, signal?: AbortSignal): Promise<Execution> {
  return sandbox.runCode(code, {
    prelude: PRELUDE,
    signal,
    timeoutMs: EXEC_TIMEOUT_MS,
    onStdout: (text) => emit({ type: "output", stream: "stdout", text }),
    onStderr: (text) => emit({ type: "output", stream: "stderr", text }),
  });
}
