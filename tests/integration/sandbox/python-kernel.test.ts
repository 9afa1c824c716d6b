import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelError, PythonKernel } from "@/lib/sandbox/python-kernel";

const PYTHON = "/usr/bin/python3";
const KERNEL = path.resolve(import.meta.dirname, "../../../templates/python/kernel.py");
const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`python-kernel tests skipped: ${PYTHON} is missing (apt-get install python3 python3-pandas python3-matplotlib)`);

const dirs: string[] = [];
const kernels: PythonKernel[] = [];

async function start(options: { maxLineBytes?: number } = {}): Promise<{ kernel: PythonKernel; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "tessera-kernel-"));
  dirs.push(dir);
  const child = spawn(PYTHON, ["-I", "-B", KERNEL], { cwd: dir, stdio: ["pipe", "pipe", "pipe", "pipe"], env: { MPLBACKEND: "Agg", PATH: "/usr/bin:/bin", HOME: dir } as unknown as NodeJS.ProcessEnv });
  const kernel = new PythonKernel(child, options);
  kernels.push(kernel);
  await kernel.ready(30_000);
  return { kernel, child, dir };
}

async function rejection(promise: Promise<unknown>): Promise<KernelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KernelError);
    return error as KernelError;
  }
  throw new Error("expected the call to be rejected");
}

/** How many `sleep <marker>` processes are alive on this host. */
function sleepers(marker: string): number {
  try {
    return execFileSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).split("\n").filter(Boolean).length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

describe.skipIf(!hasPython)("python kernel (real python, no sandbox)", () => {
  let kernel: PythonKernel;
  let child: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    ({ kernel, child, dir } = await start());
  });

  afterAll(async () => {
    await Promise.all(kernels.map((k) => k.close()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("reports the Python version when ready", () => {
    expect(kernel.pythonVersion).toMatch(/^3\.\d+/);
  });

  it("starts every call from the warm interpreter: preloaded modules are there, nothing of an earlier call is", async () => {
    const { kernel: warm } = await start();
    expect((await warm.preload(["numpy"])).error).toBeUndefined();
    const first = await warm.execute("import math\nx = 41\nmath.sqrt(16)");
    expect(first).toMatchObject({ stdout: "", stderr: "", results: [{ type: "json", json: 4 }] });
    expect(first.error).toBeUndefined();
    expect((await warm.execute("x")).error).toMatchObject({ name: "NameError" });
    expect((await warm.execute("np.arange(3).tolist()")).results).toEqual([{ type: "json", json: [0, 1, 2] }]);
  });

  it("runs a prelude and the code in one process, in order", async () => {
    const run = await kernel.execute("print(setting * 2)", { prelude: "setting = 21\nprint('ready')" });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toBe("ready\n42\n");
  });

  it("shows the last expression like Jupyter: repr as text, None as nothing, _repr_html_ as html", async () => {
    expect((await kernel.execute("'hi'")).results).toEqual([{ type: "text", text: "'hi'" }]);
    expect((await kernel.execute("None")).results).toEqual([]);
    const html = await kernel.execute("class H:\n    def _repr_html_(self):\n        return '<b>h</b>'\nH()");
    expect(html.results).toEqual([{ type: "html", html: "<b>h</b>" }]);
  });

  it("returns a matplotlib chart as a PNG", async () => {
    const run = await kernel.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [4, 1, 9])\nplt.show()");
    expect(run.error).toBeUndefined();
    const pngs = run.results.filter((r) => r.type === "png");
    expect(pngs).toHaveLength(1);
    const bytes = Buffer.from((pngs[0] as { base64: string }).base64, "base64");
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("returns a pandas DataFrame as a table, capped at 1,000 rows", async () => {
    const run = await kernel.execute("import pandas as pd\ndf = pd.DataFrame({'name': ['a', 'b', None], 'n': [1, 2, 3]})\ndf");
    expect(run.error).toBeUndefined();
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ type: "table", columns: ["name", "n"], rows: [["a", 1], ["b", 2], [null, 3]] });
    expect((run.results[0] as { html?: string }).html).toContain("<table");

    const big = await kernel.execute("import pandas as pd\npd.DataFrame({'i': range(2500)})");
    const table = big.results[0] as { type: string; rows: unknown[][]; html: string };
    expect(table.type).toBe("table");
    expect(table.rows).toHaveLength(1000);
    expect(table.html).toContain("2500 rows");
  });

  it("turns an exception into name/value/traceback that starts at the user's <cell> code", async () => {
    const run = await kernel.execute("y = 1\ndivide(y)", { prelude: "def divide(a):\n    return a / 0" });
    expect(run.results).toEqual([]);
    expect(run.error).toMatchObject({ name: "ZeroDivisionError", value: "division by zero" });
    const traceback = run.error?.traceback ?? "";
    expect(traceback).toContain('File "<cell>"');
    expect(traceback).toContain("divide(y)");
    // The function came from the prelude: its own source line is shown, not this cell's.
    expect(traceback).toContain("return a / 0");
    expect(traceback).not.toMatch(/kernel\.py|cell\.py/);
  });

  it("reports a SyntaxError as an error", async () => {
    const run = await kernel.execute("x = = 2");
    expect(run.error?.name).toBe("SyntaxError");
    expect(run.error?.traceback).toContain("<cell>");
    expect(run.error?.traceback).not.toMatch(/kernel\.py|cell\.py/);
    expect((await kernel.execute("40 + 2")).results).toEqual([{ type: "json", json: 42 }]);
  });

  it("survives sys.exit(), exit() and KeyboardInterrupt from user code", async () => {
    expect((await kernel.execute("import sys\nsys.exit(3)")).error).toMatchObject({ name: "SystemExit", value: "3" });
    expect((await kernel.execute("exit()")).error?.name).toBe("SystemExit");
    expect((await kernel.execute("raise KeyboardInterrupt")).error?.name).toBe("KeyboardInterrupt");
    expect((await kernel.execute("41 * 2")).results).toEqual([{ type: "json", json: 82 }]);
  });

  it("streams stdout to the callback in order while the code runs", async () => {
    const chunks: string[] = [];
    const run = await kernel.execute("import time\nfor i in range(1, 51):\n    print(i, flush=True)\n    time.sleep(0.002)", {
      onStdout: (chunk) => chunks.push(chunk),
    });
    const expected = Array.from({ length: 50 }, (_, i) => `${i + 1}\n`).join("");
    expect(chunks.join("")).toBe(expected);
    expect(chunks.length).toBeGreaterThan(1);
    expect(run.stdout).toBe(expected);
  });

  it("delivers output before the call ends (the code waits for the host to react to it)", async () => {
    const code = "import os, time\nprint('waiting', flush=True)\nwhile not os.path.exists('go'):\n    time.sleep(0.01)\nprint('done')";
    const run = await kernel.execute(code, {
      timeoutMs: 30_000,
      onStdout: (chunk) => {
        if (chunk.includes("waiting")) writeFileSync(path.join(dir, "go"), "");
      },
    });
    expect(run.stdout).toBe("waiting\ndone\n");
  });

  it("keeps stderr apart and gives input() an empty stdin", async () => {
    const errors: string[] = [];
    const run = await kernel.execute("import sys\nprint('oops', file=sys.stderr)\ninput()", { onStderr: (c) => errors.push(c) });
    expect(run.stderr).toBe("oops\n");
    expect(errors.join("")).toBe("oops\n");
    expect(run.error?.name).toBe("EOFError");
  });

  it("keeps multi-byte text intact across pipe chunks", async () => {
    const run = await kernel.execute("print('é🙂' * 100_000)", { maxOutputBytes: 4 * 1024 * 1024 });
    expect(run.stdout).toBe(`${"é🙂".repeat(100_000)}\n`);
  });

  it("caps output at the source: only the first maxOutputBytes are kept and streamed, the rest is counted", async () => {
    let streamed = 0;
    const run = await kernel.execute("print('x' * 5000)", { maxOutputBytes: 1000, onStdout: (c) => (streamed += Buffer.byteLength(c)) });
    expect(run.stdout).toBe("x".repeat(1000));
    expect(run.stderr).toBe("\n[output truncated: 4001 bytes dropped]");
    expect(streamed).toBe(1000);
  });

  it("ends a call that floods far past the cap, keeping what fit", async () => {
    let streamed = 0;
    const run = await kernel.execute("while True:\n    print('y' * 1000)", { maxOutputBytes: 10_000, timeoutMs: 20_000, onStdout: (c) => (streamed += Buffer.byteLength(c)) });
    expect(run.error).toMatchObject({ name: "OutputLimitExceeded" });
    expect(streamed).toBe(10_000);
    expect((await kernel.execute("1 + 1")).results).toEqual([{ type: "json", json: 2 }]);
  });

  it("serialises concurrent calls, each with its own output, one after another", async () => {
    const [a, b, c] = await Promise.all([
      kernel.execute("import time\ntime.sleep(0.2)\nprint('from a')\ntime.time()"),
      kernel.execute("import time\nprint('from b')\ntime.time()"),
      kernel.execute("print('from c')"),
    ]);
    expect([a?.stdout, b?.stdout, c?.stdout]).toEqual(["from a\n", "from b\n", "from c\n"]);
    const [ta, tb] = [a, b].map((r) => (r?.results[0] as { json: number }).json);
    expect(tb).toBeGreaterThanOrEqual(ta!);
  });

  it("ignores malformed request lines", async () => {
    child.stdin?.write("this is not json\n");
    child.stdin?.write('{"id": 7}\n');
    child.stdin?.write("[1, 2]\n");
    expect((await kernel.execute("6 * 7")).results).toEqual([{ type: "json", json: 42 }]);
  });

  it("preloads modules under their usual names and reports ones that are missing", async () => {
    const ok = await kernel.preload(["numpy", "pandas", "matplotlib.pyplot"]);
    expect(ok.error).toBeUndefined();
    expect((await kernel.execute("[np.arange(3).tolist(), pd.__name__, plt.__name__]")).results).toEqual([
      { type: "json", json: [[0, 1, 2], "pandas", "matplotlib.pyplot"] },
    ]);
    const missing = await kernel.preload(["no_such_module_here"]);
    expect(missing.error).toMatchObject({ name: "ImportError" });
    expect(missing.error?.value).toContain("no_such_module_here");
  });

  it("fails a call whose event line is over the line cap, and carries on", async () => {
    const { kernel: small } = await start({ maxLineBytes: 1000 });
    expect((await rejection(small.execute("'x' * 5000"))).code).toBe("protocol");
    expect((await small.execute("1 + 1")).results).toEqual([{ type: "json", json: 2 }]);
  });

  it("kills a call past its time cap with everything it started; the kernel answers the next call", async () => {
    const { kernel: busy } = await start();
    const queued = busy.execute("1");
    const running = rejection(busy.execute("import subprocess\nsubprocess.Popen(['sleep', '77'])\nwhile True: pass", { timeoutMs: 500 }));
    expect((await queued).results).toEqual([{ type: "json", json: 1 }]);
    const error = await running;
    expect(error.code).toBe("timeout");
    expect(sleepers("77")).toBe(0);
    expect((await busy.execute("2")).results).toEqual([{ type: "json", json: 2 }]);
  });

  it("a daemon (setsid, double fork) or a thread a call started does not outlive the call", async () => {
    const run = await kernel.execute(
      "import subprocess, threading, time\nsubprocess.Popen(['setsid', 'sh', '-c', 'sleep 78 & sleep 78'])\nthreading.Thread(target=lambda: time.sleep(1000)).start()\ntime.sleep(0.3)\nprint('left them')",
    );
    expect(run.stdout).toBe("left them\n");
    expect(sleepers("78")).toBe(0);
  });

  it("code cannot write the host's channel or forge another call's events, and is killed at its cap all the same", async () => {
    const forSupervisor = JSON.stringify({ type: "result", results: [{ type: "text", text: "forged" }], error: null });
    // Frames for the host (ids guessed the way sequential ids would be) and for the supervisor,
    // written to every descriptor the call's process holds; then the code keeps running.
    const code = [
      "import json, os",
      "frames = [" + JSON.stringify(forSupervisor) + "]",
      "frames += [json.dumps({'id': f'r{i}', 'type': 'result', 'results': [{'type': 'text', 'text': 'forged'}], 'error': None}) for i in range(1, 50)]",
      "written = set()",
      "for fd in range(0, 64):",
      "    for frame in frames:",
      "        try:",
      "            os.write(fd, (frame + '\\n').encode())",
      "            written.add(fd)",
      "        except OSError:",
      "            pass",
      "print('fds', sorted(written), flush=True)",
      "while True: pass",
    ].join("\n");
    let printed = "";
    const error = await rejection(kernel.execute(code, { timeoutMs: 1_500, onStdout: (c) => (printed += c) }));
    expect(error.code).toBe("timeout");
    expect(printed).toMatch(/^fds \[/);
    expect(printed).not.toMatch(/\b3\b/); // fd 3, the host's channel, is not open in the call's process
    expect((await kernel.execute("'still here'")).results).toEqual([{ type: "text", text: "'still here'" }]);
  });

  it("a result the code writes itself does not hide its own error", async () => {
    const code =
      "import json, os\nfor fd in range(4, 64):\n    try:\n        os.write(fd, (json.dumps({'type': 'result', 'results': [], 'error': None}) + '\\n').encode())\n    except OSError:\n        pass\nraise ValueError('the real outcome')";
    const run = await kernel.execute(code);
    expect(run.error).toMatchObject({ name: "ValueError", value: "the real outcome" });
  });

  it("the process of a call ending early is that call's error; the kernel lives on", async () => {
    const exit = await rejection(kernel.execute("import os\nos._exit(3)"));
    expect(exit.code).toBe("exited");
    expect(exit.message).toContain("code 3");
    const kill = await rejection(kernel.execute("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"));
    expect(kill.code).toBe("exited");
    expect(kill.message).toMatch(/memory/);
    expect((await kernel.execute("3")).results).toEqual([{ type: "json", json: 3 }]);
  });

  it("rejects ready() with the process's stderr when it exits before starting", async () => {
    const broken = spawn(PYTHON, ["-c", "import sys; sys.stderr.write('boom: cannot start\\n'); sys.exit(1)"], {
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
    });
    const client = new PythonKernel(broken);
    kernels.push(client);
    const error = await rejection(client.ready(30_000));
    expect(error.code).toBe("exited");
    expect(error.message).toContain("boom: cannot start");
  });
});
