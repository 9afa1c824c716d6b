import type { ChildProcess } from "node:child_process";
import { Readable } from "node:stream";
import type { Execution, ExecutionError, RichResult } from "./types";

/**
 * Host side of templates/python/kernel.py. Requests go to the child's stdin; events come back as
 * JSON lines on fd 3 (`child.stdio[3]`), so whatever user code writes to the real stdout can never
 * be mistaken for protocol. fd 1 is drained and ignored; the tail of fd 2 explains crashes.
 *
 * A kernel that timed out or exited is dead for good: the process is killed and its Python state
 * (variables, imports) is lost. Callers start a new kernel to go on.
 */

export type KernelErrorCode = "timeout" | "exited" | "dead" | "protocol" | "closed";

export class KernelError extends Error {
  readonly code: KernelErrorCode;
  constructor(code: KernelErrorCode, message: string) {
    super(message);
    this.name = "KernelError";
    this.code = code;
  }
}

export interface ExecuteOptions {
  timeoutMs?: number;
  /** Called with each chunk of output, in order, as it arrives; a throw fails the call. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Bytes of stdout (and, separately, stderr) kept in the result; the rest is counted. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;
const STDERR_TAIL_CHARS = 2_000;
/** After the process exits, how long fd 3 may take to hand over events already written. */
const DRAIN_GRACE_MS = 250;

type Payload = { code: string } | { preload: string[] };

interface Job {
  id: string;
  payload: Payload;
  options: ExecuteOptions;
  stdout: CappedText;
  stderr: CappedText;
  started: number;
  callbackFailed: boolean;
  callbackError?: unknown;
  timer?: NodeJS.Timeout;
  resolve(execution: Execution): void;
  reject(error: unknown): void;
}

export class PythonKernel {
  /** Python version reported by the kernel once ready. */
  pythonVersion?: string;
  private readonly events: Readable;
  private readonly maxLineBytes: number;
  private readonly queue: Job[] = [];
  private current: Job | null = null;
  private dead: KernelError | null = null;
  private isReady = false;
  private readyWaiters: Array<{ resolve(): void; reject(error: Error): void; timer: NodeJS.Timeout }> = [];
  private stderrTail = "";
  private exited = false;
  private nextId = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discardingLine = false;

  constructor(
    private readonly child: ChildProcess,
    options: { maxLineBytes?: number } = {},
  ) {
    const events = child.stdio[3];
    if (!(events instanceof Readable) || !child.stdin) {
      throw new Error("PythonKernel needs a child spawned with stdio ['pipe', 'pipe', 'pipe', 'pipe']");
    }
    this.events = events;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    // Stream errors (EPIPE after a crash, mostly) are reported through the exit handler instead.
    for (const stream of [child.stdin, child.stdout, child.stderr, events]) stream?.on("error", ignore);
    events.on("data", (chunk: Buffer) => this.onData(chunk));
    events.once("end", () => setTimeout(() => this.onEventsEnded(), DRAIN_GRACE_MS).unref());
    child.stdout?.resume();
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS * 2);
    });
    child.once("exit", (code, signal) => this.onExit(code, signal));
    child.once("error", (error) => {
      this.die(new KernelError("exited", `Python kernel could not run: ${error.message}${this.stderrNote()}`));
    });
    if (child.exitCode !== null || child.signalCode !== null) this.onExit(child.exitCode, child.signalCode);
  }

  /** Resolves once the kernel has started; rejects if it exits or takes longer than timeoutMs. */
  ready(timeoutMs = 15_000): Promise<void> {
    if (this.isReady) return Promise.resolve();
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w.timer !== timer);
        reject(new KernelError("timeout", `Python kernel did not start within ${timeoutMs} ms${this.stderrNote()}`));
      }, timeoutMs);
      this.readyWaiters.push({ resolve, reject, timer });
    });
  }

  /** Runs code after every earlier call has finished. Python errors resolve with `error` set. */
  execute(code: string, options: ExecuteOptions = {}): Promise<Execution> {
    return this.enqueue({ code }, options);
  }

  /** Imports modules into the session ahead of time (numpy → np, pandas → pd, matplotlib.pyplot → plt). */
  preload(modules: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Execution> {
    return this.enqueue({ preload: modules }, { timeoutMs });
  }

  /** Ends the session: pending calls are rejected and the process is killed. */
  async close(): Promise<void> {
    this.die(new KernelError("closed", "Python kernel was closed"));
    this.child.stdin?.end();
    if (this.exited || this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await gone;
  }

  private enqueue(payload: Payload, options: ExecuteOptions): Promise<Execution> {
    if (this.dead) return Promise.reject(new KernelError("dead", `Python kernel is not running: ${this.dead.message}`));
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    return new Promise((resolve, reject) => {
      const id = `r${++this.nextId}`;
      this.queue.push({ id, payload, options, stdout: new CappedText(max), stderr: new CappedText(max), started: 0, callbackFailed: false, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.dead) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    job.started = Date.now();
    const timeoutMs = job.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    job.timer = setTimeout(() => {
      this.die(new KernelError("timeout", `Python code did not finish within ${timeoutMs} ms; the kernel was stopped and its state is lost`));
      this.child.kill("SIGKILL");
    }, timeoutMs);
    this.child.stdin?.write(`${JSON.stringify({ id: job.id, ...job.payload })}\n`);
  }

  private finish(job: Job, outcome: { execution: Execution } | { error: unknown }): void {
    clearTimeout(job.timer);
    if (this.current === job) this.current = null;
    if ("error" in outcome) job.reject(outcome.error);
    else if (job.callbackFailed) job.reject(job.callbackError);
    else job.resolve(outcome.execution);
    this.pump();
  }

  /** Fails the running call with `error` and every queued one as "dead"; idempotent. */
  private die(error: KernelError): void {
    this.dead ??= error;
    for (const waiter of this.readyWaiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    const queued = this.queue.splice(0);
    if (this.current) this.finish(this.current, { error });
    for (const job of queued) this.finish(job, { error: new KernelError("dead", `Python kernel stopped before this code ran: ${error.message}`) });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const fail = () => {
      const memory = signal === "SIGKILL" || /MemoryError/.test(this.stderrTail);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.die(new KernelError("exited", `Python kernel ${how}${memory ? " (this looks like memory exhaustion)" : ""}${this.stderrNote()}`));
    };
    // Events written just before the exit may still be in the pipe: let them arrive first.
    if (this.events.readableEnded || this.events.destroyed) return fail();
    this.events.once("close", fail);
    setTimeout(fail, DRAIN_GRACE_MS).unref();
  }

  private onEventsEnded(): void {
    if (this.exited) return;
    this.die(new KernelError("exited", `Python kernel closed its event channel${this.stderrNote()}`));
    this.child.kill("SIGKILL");
  }

  private stderrNote(): string {
    const lines = this.stderrTail.trimEnd().split("\n").slice(-20).join("\n").slice(-STDERR_TAIL_CHARS);
    return lines ? `\nLast stderr lines:\n${lines}` : "";
  }

  /** Splits fd 3 into lines on raw bytes (0x0A never occurs inside a UTF-8 sequence), then decodes. */
  private onData(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.appendToLine(chunk.subarray(start, end));
      if (newline === -1) return;
      start = newline + 1;
      if (this.discardingLine) this.discardingLine = false;
      else this.onLine(Buffer.concat(this.pending, this.pendingBytes).toString("utf8"));
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  private appendToLine(part: Buffer): void {
    if (this.discardingLine || part.length === 0) return;
    if (this.pendingBytes + part.length <= this.maxLineBytes) {
      this.pending.push(part);
      this.pendingBytes += part.length;
      return;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.discardingLine = true;
    const job = this.current;
    if (job) this.finish(job, { error: new KernelError("protocol", `Python kernel sent a message over ${this.maxLineBytes} bytes; the output of this call was too large`) });
  }

  private onLine(line: string): void {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return; // not protocol (something wrote to fd 3 directly): ignored
    }
    if (!isRecord(event)) return;
    if (event.type === "ready") {
      this.isReady = true;
      if (typeof event.python === "string") this.pythonVersion = event.python;
      for (const waiter of this.readyWaiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
      return;
    }
    const job = this.current;
    // Late events from a call that already failed (or from user threads) belong to nobody.
    if (!job || event.id !== job.id) return;
    if (event.type === "stdout" || event.type === "stderr") {
      if (typeof event.text === "string") this.onOutput(job, event.type, event.text);
    } else if (event.type === "result") {
      const results = Array.isArray(event.results) ? event.results.filter(isRichResult) : [];
      const durationMs = typeof event.durationMs === "number" ? event.durationMs : Date.now() - job.started;
      const execution: Execution = { stdout: job.stdout.text(), stderr: job.stderr.text(), results, durationMs };
      const error = toExecutionError(event.error);
      if (error) execution.error = error;
      this.finish(job, { execution });
    } else if (event.type === "protocol_error") {
      this.finish(job, { error: new KernelError("protocol", `Python kernel refused the request: ${String(event.message)}`) });
    }
  }

  private onOutput(job: Job, stream: "stdout" | "stderr", text: string): void {
    job[stream].add(text);
    const callback = stream === "stdout" ? job.options.onStdout : job.options.onStderr;
    if (!callback || job.callbackFailed) return;
    try {
      callback(text);
    } catch (error) {
      // Remembered rather than thrown here, so the kernel and this client stay in step.
      job.callbackFailed = true;
      job.callbackError = error;
    }
  }
}

/** Keeps the first `max` UTF-8 bytes of a stream of chunks and counts the rest. */
class CappedText {
  private readonly parts: string[] = [];
  private bytes = 0;
  private dropped = 0;
  constructor(private readonly max: number) {}

  add(chunk: string): void {
    const size = Buffer.byteLength(chunk);
    const room = this.max - this.bytes;
    if (size <= room) {
      this.parts.push(chunk);
      this.bytes += size;
      return;
    }
    const bytes = Buffer.from(chunk, "utf8");
    let end = Math.max(0, room);
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // never split a character
    if (end > 0) this.parts.push(bytes.subarray(0, end).toString("utf8"));
    this.dropped += size - end;
    this.bytes = this.max; // once cutting starts, later small chunks must not slip in after a gap
  }

  text(): string {
    const text = this.parts.join("");
    return this.dropped > 0 ? `${text}\n[output truncated: ${this.dropped} bytes dropped]` : text;
  }
}

function ignore(): void {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRichResult(value: unknown): value is RichResult {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case "text": return typeof value.text === "string";
    case "png": return typeof value.base64 === "string";
    case "html": return typeof value.html === "string";
    case "json": return "json" in value;
    case "table": {
      const { columns, rows, html } = value;
      const columnsOk = Array.isArray(columns) && columns.every((c) => typeof c === "string");
      return columnsOk && Array.isArray(rows) && rows.every((r) => Array.isArray(r)) && (html === undefined || typeof html === "string");
    }
    default: return false;
  }
}

function toExecutionError(value: unknown): ExecutionError | undefined {
  if (!isRecord(value)) return undefined;
  const { name, value: text, traceback } = value;
  if (typeof name !== "string") return undefined;
  return { name, value: typeof text === "string" ? text : "", traceback: typeof traceback === "string" ? traceback : "" };
}
