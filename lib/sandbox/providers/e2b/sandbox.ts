import path from "node:path";
import { CommandExitError, FileNotFoundError, TimeoutError, type CommandHandle, type Sandbox as SdkSandbox } from "@e2b/code-interpreter";
import { AppError } from "../../../errors";
import { normalizeSandboxPath } from "../../paths";
import type {
  BackgroundCommand,
  CommandResult,
  Execution,
  FileEntry,
  NetworkPolicy,
  RichResult,
  RunCodeOptions,
  RunCommandOptions,
  Sandbox,
  SandboxInfo,
  SandboxLimits,
  SandboxMetrics,
} from "../../types";
import { checkCommandEnv } from "../../command-env";
import { OutputCollector } from "../../output";
import { shellQuote } from "./command";
import { toAppError } from "./errors";

export interface E2BSandboxDeps {
  sdk: SdkSandbox;
  info: SandboxInfo;
  limits: SandboxLimits;
  /** Absolute directory in the sandbox that relative paths are resolved against. */
  projectRoot: string;
  /** The sandbox's standing egress policy, restored after a command that needed more. */
  network: NetworkPolicy;
  /** E2B egress body for a policy (one place decides what "registries" means). */
  egress: (policy: NetworkPolicy) => { allowOut?: string[]; denyOut: string[] };
  secrets: readonly string[];
  /** https for E2B; http only in the SDK's debug mode, where hosts are localhost:port. */
  previewScheme: "http" | "https";
}

const LIST_MAX_DEPTH = 8;
const LIST_MAX_ENTRIES = 10_000;

export class E2BSandbox implements Sandbox {
  private killed = false;
  private widened = 0;

  constructor(private readonly deps: E2BSandboxDeps) {}

  get info(): SandboxInfo {
    return { ...this.deps.info, metadata: { ...this.deps.info.metadata }, status: this.killed ? "killed" : "running" };
  }

  private ensureAlive(): void {
    if (this.killed) throw new AppError("not_found", "This sandbox has ended.");
  }

  private fail(err: unknown, action: string, notFound?: string): AppError {
    return toAppError(err, { secrets: this.deps.secrets, action, notFound });
  }

  private abs(rel: string): string {
    return rel === "" ? this.deps.projectRoot : path.posix.join(this.deps.projectRoot, rel);
  }

  files = {
    write: async (file: string, content: string | Uint8Array): Promise<void> => {
      this.ensureAlive();
      const rel = normalizeSandboxPath(file);
      const size = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
      if (size > this.deps.limits.maxFileBytes) throw new AppError("payload_too_large", `${rel} is larger than the sandbox's file size cap.`);
      const data = typeof content === "string" ? content : (content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer);
      try {
        await this.deps.sdk.files.write(this.abs(rel), data);
      } catch (err) {
        throw this.fail(err, `write ${rel}`);
      }
    },
    read: async (file: string): Promise<Uint8Array> => {
      this.ensureAlive();
      const rel = normalizeSandboxPath(file);
      try {
        return await this.deps.sdk.files.read(this.abs(rel), { format: "bytes" });
      } catch (err) {
        throw this.fail(err, `read ${rel}`, `No file at ${rel}.`);
      }
    },
    readText: async (file: string): Promise<string> => Buffer.from(await this.files.read(file)).toString("utf8"),
    list: async (dir = "."): Promise<FileEntry[]> => {
      this.ensureAlive();
      const rel = dir === "." || dir === "" ? "" : normalizeSandboxPath(dir);
      return this.walk(rel);
    },
    remove: async (file: string): Promise<void> => {
      this.ensureAlive();
      const rel = normalizeSandboxPath(file);
      try {
        await this.deps.sdk.files.remove(this.abs(rel));
      } catch (err) {
        // Removing what is already gone is done, as with `rm -rf` in the local provider.
        if (err instanceof FileNotFoundError) return;
        throw this.fail(err, `remove ${rel}`);
      }
    },
  };

  /**
   * One directory level per request rather than one deep ListDir: a deep listing would descend into
   * node_modules and .git (hundreds of thousands of entries) only to throw them away. Entries whose
   * path the rules refuse (node_modules, .git, .env*, …) are neither shown nor entered.
   */
  private async walk(rel: string): Promise<FileEntry[]> {
    const out: FileEntry[] = [];
    let level = [rel];
    for (let depth = 0; depth < LIST_MAX_DEPTH && level.length > 0 && out.length < LIST_MAX_ENTRIES; depth++) {
      const listings = await Promise.all(
        level.map((d) =>
          this.deps.sdk.files.list(this.abs(d), { depth: 1 }).catch((err: unknown) => {
            throw this.fail(err, `list ${d || "."}`, `No directory at ${d || "."}.`);
          }),
        ),
      );
      const next: string[] = [];
      for (const entries of listings) {
        for (const entry of entries) {
          if (entry.type !== "file" && entry.type !== "dir") continue;
          const relative = path.posix.relative(this.deps.projectRoot, entry.path);
          try {
            normalizeSandboxPath(relative);
          } catch {
            continue;
          }
          out.push({ path: relative, type: entry.type, size: entry.type === "file" ? entry.size : 0 });
          if (entry.type === "dir") next.push(relative);
        }
      }
      level = next;
    }
    return out.slice(0, LIST_MAX_ENTRIES).sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * E2B's egress policy belongs to the whole sandbox, not a process, so a command that needs the
   * registries (a dependency install) widens it while it runs and the standing policy comes back
   * after. Nothing can be narrower than the sandbox's policy, so "none" on a registries sandbox is
   * the sandbox's policy. Background commands never widen: a dev server must not keep egress open.
   */
  private async withNetwork<T>(wanted: NetworkPolicy | undefined, run: () => Promise<T>): Promise<T> {
    if (wanted?.mode !== "registries" || this.deps.network.mode === "registries") return run();
    if (this.widened++ === 0) await this.deps.sdk.updateNetwork(this.deps.egress(wanted)).catch((err: unknown) => {
      this.widened--;
      throw this.fail(err, "open the network for the registries");
    });
    try {
      return await run();
    } finally {
      if (--this.widened === 0) await this.deps.sdk.updateNetwork(this.deps.egress(this.deps.network)).catch(() => undefined);
    }
  }

  private async startCommand(argv: string[], options: RunCommandOptions, timeoutMs: number): Promise<{ pid: number; done: Promise<CommandResult> }> {
    this.ensureAlive();
    const command = shellQuote(argv);
    const envs = checkCommandEnv(options.env);
    const cwd = options.cwd ? this.abs(normalizeSandboxPath(options.cwd)) : this.deps.projectRoot;
    const startedAt = performance.now();
    let killedBy: CommandResult["killedBy"];
    let handle: CommandHandle | undefined;
    const stop = (reason: NonNullable<CommandResult["killedBy"]>) => {
      killedBy ??= reason;
      void handle?.kill().catch(() => undefined);
    };
    const output = new OutputCollector(this.deps.limits.maxOutputBytes, options, () => stop("output"));
    try {
      handle = await this.deps.sdk.commands.run(command, {
        background: true,
        cwd,
        envs,
        timeoutMs,
        stdin: options.stdin !== undefined,
        onStdout: (s) => output.take("stdout", s),
        onStderr: (s) => output.take("stderr", s),
      });
      // Output can arrive before run() resolves; a flood seen that early is stopped now.
      if (killedBy) void handle.kill().catch(() => undefined);
      if (options.stdin !== undefined) {
        await handle.sendStdin(options.stdin);
        await handle.closeStdin();
      }
    } catch (err) {
      throw this.fail(err, "start the command");
    }
    const started = handle;
    const done = (async (): Promise<CommandResult> => {
      try {
        const result = await started.wait();
        return output.result(result.exitCode, killedBy, startedAt);
      } catch (err) {
        if (err instanceof CommandExitError) {
          // envd reports a killed process as exit -1; report the conventional 128+SIGKILL.
          const exitCode = err.exitCode < 0 ? 137 : err.exitCode;
          return output.result(exitCode, killedBy ?? (err.exitCode < 0 ? "killed" : undefined), startedAt);
        }
        if (err instanceof TimeoutError) {
          // The deadline only ends our stream; envd keeps the process, so kill it explicitly.
          await this.deps.sdk.commands.kill(started.pid).catch(() => false);
          return output.result(137, killedBy ?? "timeout", startedAt);
        }
        throw this.fail(err, "run the command");
      }
    })();
    return { pid: started.pid, done };
  }

  private commandTimeout(requested?: number): number {
    const cap = this.deps.limits.commandTimeoutMs;
    if (requested === undefined) return cap;
    if (!Number.isFinite(requested) || requested <= 0) throw new AppError("bad_request:validation", "timeoutMs must be a positive number.");
    return Math.min(requested, cap);
  }

  commands = {
    run: (command: string[], options: RunCommandOptions = {}): Promise<CommandResult> =>
      this.withNetwork(options.network, async () => (await this.startCommand(command, options, this.commandTimeout(options.timeoutMs))).done),
    start: async (command: string[], options: RunCommandOptions = {}): Promise<BackgroundCommand> => {
      // Background commands live until they exit, are killed, or the sandbox's TTL ends it.
      const ttl = Math.max(1, this.deps.info.expiresAt.getTime() - Date.now());
      const { pid, done } = await this.startCommand(command, options, ttl);
      return {
        pid,
        wait: () => done,
        kill: async () => {
          await this.deps.sdk.commands.kill(pid).catch((err: unknown) => {
            throw this.fail(err, "stop the command");
          });
        },
      };
    },
  };

  async runCode(code: string, options: RunCodeOptions = {}): Promise<Execution> {
    this.ensureAlive();
    // E2B's kernel keeps state, so the prelude is a call of its own.
    if (options.prelude) {
      const prepared = await this.runCode(options.prelude, { timeoutMs: options.timeoutMs });
      if (prepared.error) return prepared;
    }
    const startedAt = performance.now();
    // Live output is capped on the way out like a command's: past the cap it is dropped, not passed on.
    const live = new OutputCollector(this.deps.limits.maxOutputBytes, options, () => {});
    let execution;
    try {
      execution = await this.deps.sdk.runCode(code, {
        timeoutMs: this.commandTimeout(options.timeoutMs),
        onStdout: (m) => live.take("stdout", m.line),
        onStderr: (m) => live.take("stderr", m.line),
      });
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new AppError("bad_request:validation", "The code ran past its time limit; its output was cut off.");
      }
      throw this.fail(err, "run the code");
    }
    const results: RichResult[] = [];
    for (const r of execution.results) {
      // One result carries several representations; keep the richest the UI can show.
      if (r.png) results.push({ type: "png", base64: r.png });
      else if (r.html) results.push({ type: "html", html: r.html });
      else if (r.json !== undefined) results.push({ type: "json", json: r.json });
      else if (r.text !== undefined) results.push({ type: "text", text: r.text });
    }
    return {
      stdout: execution.logs.stdout.join(""),
      stderr: execution.logs.stderr.join(""),
      results,
      ...(execution.error ? { error: { name: execution.error.name, value: execution.error.value, traceback: execution.error.traceback } } : {}),
      durationMs: Math.round(performance.now() - startedAt),
    };
  }

  async preview(port: number): Promise<string> {
    this.ensureAlive();
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AppError("bad_request:validation", "Port must be 1–65535.");
    return `${this.deps.previewScheme}://${this.deps.sdk.getHost(port)}`;
  }

  async metrics(): Promise<SandboxMetrics> {
    this.ensureAlive();
    try {
      const [samples, processes] = await Promise.all([this.deps.sdk.getMetrics(), this.deps.sdk.commands.list()]);
      const last = samples.at(-1);
      return {
        memoryBytes: last?.memUsed ?? 0,
        // E2B reports CPU as a utilisation percentage per sample, not cumulative CPU time; there is
        // no honest conversion, so this stays 0 rather than a made-up number.
        cpuSeconds: 0,
        diskBytes: last?.diskUsed ?? 0,
        processes: processes.length,
      };
    } catch (err) {
      throw this.fail(err, "read the sandbox's metrics");
    }
  }

  async setTimeout(timeoutMs: number): Promise<void> {
    this.ensureAlive();
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AppError("bad_request:validation", "timeoutMs must be a positive number.");
    try {
      await this.deps.sdk.setTimeout(timeoutMs);
    } catch (err) {
      throw this.fail(err, "change the sandbox's time limit");
    }
    this.deps.info.expiresAt = new Date(Date.now() + timeoutMs);
  }

  async kill(): Promise<void> {
    if (this.killed) return;
    try {
      // false means E2B no longer has it: already ended, which is what kill asks for.
      await this.deps.sdk.kill();
    } catch (err) {
      throw this.fail(err, "stop the sandbox");
    }
    this.killed = true;
  }
}
