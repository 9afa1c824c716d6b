/**
 * One interface for every sandbox provider (local bubblewrap, E2B). It covers what cloud sandbox
 * SDKs offer: lifecycle, files, commands, Python, previews and metrics. Callers never know
 * which provider they hold. Every call that names an existing sandbox takes the owner's id and is
 * refused (as not found) for anyone else.
 */

export type NetworkPolicy =
  /** No network at all: loopback inside the sandbox only. The default. */
  | { mode: "none" }
  /** Only the package registries the host's npm/pip are configured with (dependency installs). */
  | { mode: "registries" };

export interface SandboxLimits {
  /** Address-space / memory cap per sandbox, bytes. */
  memoryBytes: number;
  /** CPU seconds per command. */
  cpuSeconds: number;
  /** Processes/threads the sandbox user may have. */
  maxProcesses: number;
  /** Open file descriptors per process. */
  maxOpenFiles: number;
  /** Largest file a process may write, bytes. */
  maxFileBytes: number;
  /** Total bytes the project directory may hold (the local provider keeps it in memory). */
  diskBytes: number;
  /** Wall-clock cap per command, ms. */
  commandTimeoutMs: number;
  /** stdout+stderr kept per command; the rest is counted and dropped. */
  maxOutputBytes: number;
}

export interface CreateSandboxOptions {
  template: string;
  ownerId: string;
  projectId: string;
  metadata?: Record<string, string>;
  /** Time to live from now, ms; the reaper kills the sandbox after it. */
  timeoutMs?: number;
  limits?: Partial<SandboxLimits>;
  network?: NetworkPolicy;
}

export interface SandboxInfo {
  id: string;
  provider: string;
  template: string;
  ownerId: string;
  projectId: string;
  metadata: Record<string, string>;
  createdAt: Date;
  expiresAt: Date;
  status: "running" | "killed";
}

export interface FileEntry {
  /** Relative to the project root, `/`-separated. */
  path: string;
  type: "file" | "dir";
  size: number;
}

export interface RunCommandOptions {
  cwd?: string;
  /** Plain variables for the command; names and values are checked so no secret can be passed. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with each chunk of output, in order, as it arrives. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Bytes written to the command's stdin, then closed. */
  stdin?: string;
  network?: NetworkPolicy;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Why it ended when it did not exit by itself. */
  killedBy?: "timeout" | "cpu" | "memory" | "output" | "killed";
  /** Output past maxOutputBytes that was dropped. */
  truncatedBytes: number;
  durationMs: number;
}

export interface BackgroundCommand {
  pid: number;
  wait(): Promise<CommandResult>;
  kill(): Promise<void>;
}

// Shared with the browser, which renders them.
import type { ExecutionError, RichResult } from "../fragment/protocol";
export type { ExecutionError, RichResult };

export interface Execution {
  stdout: string;
  stderr: string;
  results: RichResult[];
  error?: ExecutionError;
  durationMs: number;
}

export interface RunCodeOptions {
  timeoutMs?: number;
  /** Set-up run before `code` in the same session (its output is the call's output). */
  prelude?: string;
  /** Stops the running code (the local kernel kills the call's process and everything it started). */
  signal?: AbortSignal;
  onStdout?: (s: string) => void;
  onStderr?: (s: string) => void;
}

export interface SandboxMetrics {
  memoryBytes: number;
  cpuSeconds: number;
  diskBytes: number;
  processes: number;
}

export interface Sandbox {
  readonly info: SandboxInfo;
  files: {
    write(path: string, content: string | Uint8Array): Promise<void>;
    read(path: string): Promise<Uint8Array>;
    readText(path: string): Promise<string>;
    list(path?: string): Promise<FileEntry[]>;
    remove(path: string): Promise<void>;
  };
  commands: {
    run(command: string[], options?: RunCommandOptions): Promise<CommandResult>;
    start(command: string[], options?: RunCommandOptions): Promise<BackgroundCommand>;
  };
  /**
   * Runs Python code, `prelude` first. Whether state carries between calls is the provider's:
   * E2B's kernel keeps it, the local one starts every call from the same warm interpreter. Callers
   * pass what a run needs in one call and rely on neither.
   */
  runCode(code: string, options?: RunCodeOptions): Promise<Execution>;
  /** URL at which the app's preview of `port` is served (an unguessable capability URL). */
  preview(port: number): Promise<string>;
  metrics(): Promise<SandboxMetrics>;
  setTimeout(timeoutMs: number): Promise<void>;
  kill(): Promise<void>;
}

export interface SandboxProvider {
  readonly name: string;
  /** Whether this provider can run here, and if not, what to do about it. */
  preflight(): Promise<{ ok: boolean; problem?: string }>;
  templates(): string[];
  create(options: CreateSandboxOptions): Promise<Sandbox>;
  /** Reattach to a running sandbox. Another owner's id is indistinguishable from a missing one. */
  connect(id: string, ownerId: string): Promise<Sandbox>;
  kill(id: string, ownerId: string): Promise<void>;
  list(ownerId: string): Promise<SandboxInfo[]>;
}
