import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Execution, ExecutionError, RichResult } from "./types";

/**
 * Host side of templates/python/kernel.py. Requests go to the child's stdin; events come back as
 * JSON lines on fd 3 (`child.stdio[3]`), written only by the kernel's supervisor, which runs each
 * call in a process forked from itself and tags what it forwards with the call's id. Ids are 128
 * random bits the code never sees, so nothing it writes can pass for another call's events.
 *
 * The host does not rely on the supervisor for its caps: output past `maxOutputBytes` is dropped
 * here too (never passed to the callbacks), a call past its deadline (plus a grace for the
 * supervisor to report it) fails and `onStuck` kills the whole kernel, and `afterCall` lets the
 * sandbox kill anything the call left running.
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
  /** Bytes of stdout and stderr together kept and passed on; the rest is counted and dropped. */
  maxOutputBytes?: number;
  /** Code run first in the same process (the runner's setup); its output counts like the code's. */
  prelude?: string;
}

export interface KernelHooks {
  /** The supervisor did not answer a call past its deadline: kill everything the kernel runs. */
  onStuck?: () => void;
  /** A call finished: stop whatever it left behind before the next one starts. */
  afterCall?: () => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** The supervisor caps one event at 16 MiB (a result with figures); a longer line is not from it. */
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024 + 1024;
/** How long past a call's deadline the supervisor may take to report the timeout itself. */
const REPORT_GRACE_MS = 3_000;
const STDERR_TAIL_CHARS = 2_000;
/** After the process exits, how long fd 3 may take to hand over events already written. */
const DRAIN_GRACE_MS = 250;

type Payload = { code: string; prelude?: string } | { preload: string[] };

interface Job {
  id: string;
  payload: Payload;
  options: ExecuteOptions;
  output: CappedOutput;
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
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discardingLine = false;

  constructor(
    private readonly child: ChildProcess,
    options: { maxLineBytes?: number } = {},
    private readonly hooks: KernelHooks = {},
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

  /**
   * Runs code after every earlier call has finished, in a fresh process forked from the warm
   * interpreter (nothing from an earlier call is left). Python errors resolve with `error` set.
   */
  execute(code: string, options: ExecuteOptions = {}): Promise<Execution> {
    return this.enqueue(options.prelude ? { code, prelude: options.prelude } : { code }, options);
  }

  /** Imports modules into the warm interpreter every call starts from (numpy → np, pandas → pd, matplotlib.pyplot → plt). */
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
    return new Promise((resolve, reject) => {
      const id = randomBytes(16).toString("base64url");
      const output = new CappedOutput(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
      this.queue.push({ id, payload, options, output, started: 0, callbackFailed: false, resolve, reject });
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
      this.die(new KernelError("timeout", `Python code did not finish within ${timeoutMs} ms; the kernel was stopped`));
      this.hooks.onStuck?.();
      this.child.kill("SIGKILL");
    }, timeoutMs + REPORT_GRACE_MS);
    const request = { id: job.id, ...job.payload, timeoutMs, maxOutputBytes: job.output.max };
    this.child.stdin?.write(`${JSON.stringify(request)}\n`);
  }

  private finish(job: Job, outcome: { execution: Execution } | { error: unknown }): void {
    clearTimeout(job.timer);
    if (this.current !== job) {
      if ("error" in outcome) job.reject(outcome.error);
      return;
    }
    const settle = () => {
      this.current = null;
      if ("error" in outcome) job.reject(outcome.error);
      else if (job.callbackFailed) job.reject(job.callbackError);
      else job.resolve(outcome.execution);
      this.pump();
    };
    // Nothing a call started may run into the next one.
    if (this.hooks.afterCall && !this.dead) void this.hooks.afterCall().then(settle, settle);
    else settle();
  }

  /** Fails the running call with `error` and every queued one as "dead"; idempotent. */
  private die(error: KernelError): void {
    this.dead ??= error;
    for (const waiter of this.readyWaiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    const queued = this.queue.splice(0);
    const current = this.current;
    this.current = null;
    if (current) {
      clearTimeout(current.timer);
      current.reject(error);
    }
    for (const job of queued) job.reject(new KernelError("dead", `Python kernel stopped before this code ran: ${error.message}`));
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
      return; // not protocol: ignored
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
    // Late events from a call that already failed belong to nobody.
    if (!job || event.id !== job.id) return;
    if (event.type === "stdout" || event.type === "stderr") {
      if (typeof event.text === "string") this.onOutput(job, event.type, event.text);
    } else if (event.type === "result") {
      this.onResult(job, event);
    } else if (event.type === "protocol_error") {
      this.finish(job, { error: new KernelError("protocol", `Python kernel refused the request: ${String(event.message)}`) });
    }
  }

  private onResult(job: Job, event: Record<string, unknown>): void {
    const dropped = typeof event.truncatedBytes === "number" ? event.truncatedBytes : 0;
    const durationMs = typeof event.durationMs === "number" ? event.durationMs : Date.now() - job.started;
    const killedBy = event.killedBy;
    if (killedBy === "timeout") {
      const ms = job.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      return this.finish(job, { error: new KernelError("timeout", `Python code did not finish within ${ms} ms and was stopped`) });
    }
    const exit = isRecord(event.exit) ? event.exit : undefined;
    let error = toExecutionError(event.error);
    if (killedBy === "output") {
      error = { name: "OutputLimitExceeded", value: `The code printed more than ${16 * job.output.max} bytes and was stopped; the first ${job.output.max} bytes are shown.`, traceback: "" };
    } else if (exit && typeof exit.spawn === "string") {
      return this.finish(job, { error: new KernelError("exited", `The code could not start: ${exit.spawn}`) });
    } else if (exit && !error) {
      // The call's process ended without reporting: os._exit, a crash, or a kill (the sandbox's
      // memory cap). The kernel itself lives on.
      const how = typeof exit.signal === "number" ? `was killed by signal ${exit.signal}` : `exited with code ${String(exit.code)}`;
      return this.finish(job, { error: new KernelError("exited", `The Python process ${how} before the code finished${exit.signal === 9 ? " (this looks like memory exhaustion)" : ""}`) });
    }
    const results = Array.isArray(event.results) ? event.results.filter(isRichResult) : [];
    const execution: Execution = { stdout: job.output.text("stdout", dropped), stderr: job.output.text("stderr", dropped), results, durationMs };
    if (error) execution.error = error;
    this.finish(job, { execution });
  }

  private onOutput(job: Job, stream: "stdout" | "stderr", text: string): void {
    const kept = job.output.add(stream, text);
    const callback = stream === "stdout" ? job.options.onStdout : job.options.onStderr;
    if (!callback || job.callbackFailed || kept === "") return;
    try {
      callback(kept);
    } catch (error) {
      // Remembered rather than thrown here, so the kernel and this client stay in step.
      job.callbackFailed = true;
      job.callbackError = error;
    }
  }
}

/** Keeps the first `max` UTF-8 bytes of stdout and stderr together, and counts the rest. */
class CappedOutput {
  private readonly parts = { stdout: [] as string[], stderr: [] as string[] };
  private bytes = 0;
  private dropped = 0;
  constructor(readonly max: number) {}

  /** Returns the part of `chunk` that was kept (what may be passed on). */
  add(stream: "stdout" | "stderr", chunk: string): string {
    const size = Buffer.byteLength(chunk);
    const room = this.max - this.bytes;
    if (size <= room) {
      this.parts[stream].push(chunk);
      this.bytes += size;
      return chunk;
    }
    const bytes = Buffer.from(chunk, "utf8");
    let end = Math.max(0, room);
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // never split a character
    const kept = end > 0 ? bytes.subarray(0, end).toString("utf8") : "";
    if (kept) this.parts[stream].push(kept);
    this.dropped += size - end;
    this.bytes = this.max; // once cutting starts, later small chunks must not slip in after a gap
    return kept;
  }

  text(stream: "stdout" | "stderr", droppedAtSource: number): string {
    const text = this.parts[stream].join("");
    const dropped = Math.max(this.dropped, droppedAtSource);
    return stream === "stderr" && dropped > 0 ? `${text}\n[output truncated: ${dropped} bytes dropped]` : text;
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
