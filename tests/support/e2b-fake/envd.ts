import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ServerStream, parseEnvelopedRequest, unaryError, unaryOk } from "./connect";
import { interpret } from "./interpreter";
import type { ExecuteLine, FakeProcess, FakeSandbox } from "./state";
import { HOME } from "./state";

/**
 * envd (files over HTTP, filesystem and process over Connect) and the code interpreter's
 * `/execute` (NDJSON), as served at the sandbox URL.
 */

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function isDir(sbx: FakeSandbox, p: string): boolean {
  if (p === "/" || sbx.dirs.has(p)) return true;
  for (const f of sbx.files.keys()) if (f.startsWith(`${p}/`)) return true;
  return false;
}

function entryInfo(sbx: FakeSandbox, p: string) {
  const file = sbx.files.get(p);
  return {
    name: path.posix.basename(p),
    type: file ? "FILE_TYPE_FILE" : "FILE_TYPE_DIRECTORY",
    path: p,
    size: String(file?.length ?? 4096),
    mode: file ? 0o644 : 0o755,
    permissions: file ? "-rw-r--r--" : "drwxr-xr-x",
    owner: "user",
    group: "user",
    modifiedTime: new Date().toISOString(),
  };
}

export async function handleFiles(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, sbx: FakeSandbox): Promise<void> {
  const target = url.searchParams.get("path") ?? "";
  const abs = path.posix.resolve(HOME, target);
  if (req.method === "GET") {
    const content = sbx.files.get(abs);
    if (!content) return json(res, isDir(sbx, abs) ? 400 : 404, { code: isDir(sbx, abs) ? 400 : 404, message: `path '${abs}' ${isDir(sbx, abs) ? "is a directory" : "does not exist"}` });
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": content.length });
    return void res.end(content);
  }
  if (req.method === "POST") {
    const type = req.headers["content-type"] ?? "";
    const written: { name: string; type: "file"; path: string }[] = [];
    if (type.startsWith("multipart/form-data")) {
      // undici parses multipart for us: the same parser family the SDK used to build it.
      const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(body) }).formData();
      for (const value of form.getAll("file")) {
        if (typeof value === "string") continue;
        const dest = target ? abs : path.posix.resolve(HOME, value.name);
        sbx.files.set(dest, Buffer.from(await value.arrayBuffer()));
        written.push({ name: path.posix.basename(dest), type: "file", path: dest });
      }
    } else {
      sbx.files.set(abs, body);
      written.push({ name: path.posix.basename(abs), type: "file", path: abs });
    }
    return json(res, 200, written);
  }
  json(res, 405, { code: 405, message: "method not allowed" });
}

export function handleFilesystemRpc(method: string, res: ServerResponse, message: Record<string, unknown>, sbx: FakeSandbox): void {
  const p = path.posix.resolve(HOME, String(message.path ?? ""));
  switch (method) {
    case "ListDir": {
      if (!isDir(sbx, p)) return unaryError(res, "not_found", `directory '${p}' does not exist`);
      const depth = Number(message.depth ?? 1);
      const seen = new Set<string>();
      for (const candidate of [...sbx.files.keys(), ...sbx.dirs]) {
        if (!candidate.startsWith(`${p}/`)) continue;
        const parts = candidate.slice(p.length + 1).split("/");
        for (let d = 1; d <= Math.min(depth, parts.length); d++) seen.add(`${p}/${parts.slice(0, d).join("/")}`);
      }
      return unaryOk(res, { entries: [...seen].sort().map((e) => entryInfo(sbx, e)) });
    }
    case "Stat":
      if (!sbx.files.has(p) && !isDir(sbx, p)) return unaryError(res, "not_found", `path '${p}' does not exist`);
      return unaryOk(res, { entry: entryInfo(sbx, p) });
    case "MakeDir":
      sbx.dirs.add(p);
      return unaryOk(res, { entry: entryInfo(sbx, p) });
    case "Remove":
      sbx.files.delete(p);
      sbx.dirs.delete(p);
      for (const f of [...sbx.files.keys()]) if (f.startsWith(`${p}/`)) sbx.files.delete(f);
      return unaryOk(res, {});
    default:
      return unaryError(res, "unimplemented", `filesystem.Filesystem/${method} is not in the fake`);
  }
}

let nextPid = 1000;

function selectedProcess(message: Record<string, unknown>, sbx: FakeSandbox): FakeProcess | undefined {
  const selector = (message.process as { pid?: number } | undefined) ?? {};
  return selector.pid === undefined ? undefined : sbx.processes.get(Number(selector.pid));
}

export function handleProcessRpc(method: string, res: ServerResponse, body: Buffer, sbx: FakeSandbox, onSignal: (pid: number) => void): void {
  if (method === "Start") return startProcess(res, parseEnvelopedRequest(body) as Record<string, unknown>, sbx);
  const message = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
  switch (method) {
    case "List":
      return unaryOk(res, {
        processes: [...sbx.processes.values()].map((p) => ({ pid: p.pid, config: { cmd: p.cmd, args: p.args, envs: p.envs, cwd: p.cwd } })),
      });
    case "SendSignal": {
      const proc = selectedProcess(message, sbx);
      if (!proc) return unaryError(res, "not_found", "process not found");
      onSignal(proc.pid);
      proc.kill.abort();
      return unaryOk(res, {});
    }
    case "SendInput": {
      const proc = selectedProcess(message, sbx);
      if (!proc) return unaryError(res, "not_found", "process not found");
      const input = (message.input as { stdin?: string } | undefined)?.stdin ?? "";
      proc.stdinChunks.push(Buffer.from(input, "base64"));
      return unaryOk(res, {});
    }
    case "CloseStdin": {
      const proc = selectedProcess(message, sbx);
      if (!proc) return unaryError(res, "not_found", "process not found");
      proc.closeStdin();
      return unaryOk(res, {});
    }
    default:
      return unaryError(res, "unimplemented", `process.Process/${method} is not in the fake`);
  }
}

function startProcess(res: ServerResponse, message: Record<string, unknown>, sbx: FakeSandbox): void {
  const config = (message.process ?? {}) as { cmd?: string; args?: string[]; envs?: Record<string, string>; cwd?: string };
  const args = config.args ?? [];
  const stream = new ServerStream(res);
  if (config.cmd !== "/bin/bash" || args[0] !== "-l" || args[1] !== "-c" || typeof args[2] !== "string") {
    return stream.end({ code: "invalid_argument", message: "the fake only runs /bin/bash -l -c <command>" });
  }
  const cwd = config.cwd ?? HOME;
  if (!isDir(sbx, cwd) && cwd !== HOME) return stream.end({ code: "invalid_argument", message: `cwd '${cwd}' does not exist` });

  let closeStdin!: () => void;
  const stdinClosed = new Promise<void>((resolve) => (closeStdin = resolve));
  const proc: FakeProcess = {
    pid: nextPid++,
    cmd: config.cmd,
    args,
    envs: config.envs ?? {},
    cwd,
    stdinChunks: [],
    stdinClosed,
    closeStdin,
    kill: new AbortController(),
  };
  sbx.processes.set(proc.pid, proc);
  // envd keeps a process running when its caller disconnects; only SendSignal (or the sandbox
  // dying) stops it. The fake does the same, so a timed-out command stays "running" until killed.
  stream.send({ event: { start: { pid: proc.pid } } });
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  void interpret(args[2], {
    cwd,
    envs: proc.envs,
    files: sbx.files,
    stdout: (s) => stream.send({ event: { data: { stdout: b64(s) } } }),
    stderr: (s) => stream.send({ event: { data: { stderr: b64(s) } } }),
    stdin: async () => {
      await stdinClosed;
      return Buffer.concat(proc.stdinChunks).toString("utf8");
    },
    signal: proc.kill.signal,
  }).then((exitCode) => {
    sbx.processes.delete(proc.pid);
    const killed = proc.kill.signal.aborted;
    stream.send({
      event: {
        end: killed
          ? { exitCode: -1, exited: false, status: "signal: killed", error: "signal: killed" }
          : { exitCode, exited: true, status: `exit status ${exitCode}`, ...(exitCode ? { error: `exit status ${exitCode}` } : {}) },
      },
    });
    stream.end();
  });
}

export async function handleExecute(res: ServerResponse, lines: ExecuteLine[]): Promise<void> {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.flushHeaders();
  for (const line of lines) {
    if (res.destroyed) return;
    if (line.type === "pause") {
      await new Promise((r) => setTimeout(r, line.ms));
      continue;
    }
    res.write(`${JSON.stringify(line)}\n`);
  }
  if (!res.destroyed) res.end();
}

/** What `/execute` answers when a test did not script it: output, a chart, a value; or an error. */
export function defaultExecuteScript(code: string): ExecuteLine[] {
  if (code.includes("1/0")) {
    return [
      { type: "stdout", text: "before\n" },
      {
        type: "error",
        name: "ZeroDivisionError",
        value: "division by zero",
        traceback: "Traceback (most recent call last):\n  Cell In[1], line 2\n    1/0\nZeroDivisionError: division by zero",
      },
      { type: "end_of_execution" },
    ];
  }
  return [
    { type: "stdout", text: "hello\n" },
    { type: "stderr", text: "warning: fake\n" },
    { type: "result", png: ONE_PIXEL_PNG, text: "<Figure size 640x480 with 1 Axes>", is_main_result: false },
    { type: "result", html: "<b>table</b>", text: "table", is_main_result: false },
    { type: "result", json: { a: 1 }, text: "{'a': 1}", is_main_result: false },
    { type: "result", text: "42", is_main_result: true },
    { type: "number_of_executions", execution_count: 1 },
    { type: "end_of_execution" },
  ];
}

export const ONE_PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
