import { spawn, type ChildProcess } from "node:child_process";
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
  const child = spawn(PYTHON, [KERNEL], { cwd: dir, stdio: ["pipe", "pipe", "pipe", "pipe"], env: { MPLBACKEND: "Agg", PATH: "/usr/bin:/bin", HOME: dir } as unknown as NodeJS.ProcessEnv });
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

  it("keeps variables and imports across calls", async () => {
    const first = await kernel.execute("import math\nx = 41");
    expect(first).toMatchObject({ stdout: "", stderr: "", results: [] });
    expect(first.error).toBeUndefined();
    expect((await kernel.execute("x + 1")).results).toEqual([{ type: "json", json: 42 }]);
    expect((await kernel.execute("math.sqrt(16)")).results).toEqual([{ type: "json", json: 4 }]);
  });

  it("shows the last expression like Jupyter: repr as text, None as nothing, _repr_html_ as html", async () => {
    expect((await kernel.execute("'hi'")).results).toEqual([{ type: "text", text: "'hi'" }]);
    expect((await kernel.execute("None")).results).toEqual([]);
    const html = await kernel.execute("class H:\n    def _repr_html_(self):\n        return '<b>h</b>'\nH()");
    expect(html.results).toEqual([{ type: "html", html: "<b>h</b>" }]);
  });

  it("returns a matplotlib chart as a PNG and closes the figure", async () => {
    const run = await kernel.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [4, 1, 9])\nplt.show()");
    expect(run.error).toBeUndefined();
    const pngs = run.results.filter((r) => r.type === "png");
    expect(pngs).toHaveLength(1);
    const bytes = Buffer.from((pngs[0] as { base64: string }).base64, "base64");
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await kernel.execute("len(plt.get_fignums())")).results).toEqual([{ type: "json", json: 0 }]);
  });

  it("returns a pandas DataFrame as a table, capped at 1,000 rows", async () => {
    const run = await kernel.execute("import pandas as pd\ndf = pd.DataFrame({'name': ['a', 'b', None], 'n': [1, 2, 3]})\ndf");
    expect(run.error).toBeUndefined();
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ type: "table", columns: ["name", "n"], rows: [["a", 1], ["b", 2], [null, 3]] });
    expect((run.results[0] as { html?: string }).html).toContain("<table");

    const big = await kernel.execute("pd.DataFrame({'i': range(2500)})");
    const table = big.results[0] as { type: string; rows: unknown[][]; html: string };
    expect(table.type).toBe("table");
    expect(table.rows).toHaveLength(1000);
    expect(table.html).toContain("2500 rows");
  });

  it("turns an exception into name/value/traceback that starts at the user's <cell> code", async () => {
    await kernel.execute("def divide(a):\n    return a / 0");
    const run = await kernel.execute("y = 1\ndivide(y)");
    expect(run.results).toEqual([]);
    expect(run.error).toMatchObject({ name: "ZeroDivisionError", value: "division by zero" });
    const traceback = run.error?.traceback ?? "";
    expect(traceback).toContain('File "<cell>"');
    expect(traceback).toContain("divide(y)");
    // The function came from the previous call: its own source line is shown, not this cell's.
    expect(traceback).toContain("return a / 0");
    expect(traceback).not.toContain("kernel.py");
  });

  it("reports a SyntaxError as an error", async () => {
    const run = await kernel.execute("x = = 2");
    expect(run.error?.name).toBe("SyntaxError");
    expect(run.error?.traceback).toContain("<cell>");
    expect(run.error?.traceback).not.toContain("kernel.py");
    expect((await kernel.execute("x")).results).toEqual([{ type: "json", json: 41 }]);
  });

  it("survives sys.exit(), exit() and KeyboardInterrupt from user code", async () => {
    expect((await kernel.execute("import sys\nsys.exit(3)")).error).toMatchObject({ name: "SystemExit", value: "3" });
    expect((await kernel.execute("exit()")).error?.name).toBe("SystemExit");
    expect((await kernel.execute("raise KeyboardInterrupt")).error?.name).toBe("KeyboardInterrupt");
    expect((await kernel.execute("x * 2")).results).toEqual([{ type: "json", json: 82 }]);
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
    const run = await kernel.execute("print('é🙂' * 100_000)");
    expect(run.stdout).toBe(`${"é🙂".repeat(100_000)}\n`);
  });

  it("truncates output over the cap, counts what was dropped, and still streams all of it", async () => {
    let streamed = 0;
    const run = await kernel.execute("print('x' * 5000)", { maxOutputBytes: 1000, onStdout: (c) => (streamed += c.length) });
    expect(run.stdout).toBe(`${"x".repeat(1000)}\n[output truncated: 4001 bytes dropped]`);
    expect(streamed).toBe(5001);
  });

  it("serialises concurrent calls, each with its own output", async () => {
    const [a, b, c] = await Promise.all([
      kernel.execute("import time\ntime.sleep(0.2)\norder = ['a']\nprint('from a')"),
      kernel.execute("order.append('b')\nprint('from b')"),
      kernel.execute("order.append('c')\nprint('from c')\norder"),
    ]);
    expect([a?.stdout, b?.stdout, c?.stdout]).toEqual(["from a\n", "from b\n", "from c\n"]);
    expect(b?.error).toBeUndefined();
    expect(c?.results).toEqual([{ type: "json", json: ["a", "b", "c"] }]);
  });

  it("ignores malformed request lines and stray bytes on fd 3", async () => {
    child.stdin?.write("this is not json\n");
    child.stdin?.write('{"id": 7}\n');
    child.stdin?.write("[1, 2]\n");
    const run = await kernel.execute("import os\nos.write(3, b'garbage that is not protocol\\n')\nx");
    expect(run.results).toEqual([{ type: "json", json: 41 }]);
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

  it("rejects a call that runs too long with code 'timeout' and marks the kernel dead", async () => {
    const { kernel: busy } = await start();
    const queued = busy.execute("1");
    const running = rejection(busy.execute("while True: pass", { timeoutMs: 500 }));
    expect((await queued).results).toEqual([{ type: "json", json: 1 }]);
    const error = await running;
    expect(error.code).toBe("timeout");
    expect((await rejection(busy.execute("1"))).code).toBe("dead");
  });

  it("rejects with code 'exited' when the process ends mid-call, naming a likely memory kill", async () => {
    const { kernel: quitter } = await start();
    const exit = await rejection(quitter.execute("import os\nos._exit(3)"));
    expect(exit.code).toBe("exited");
    expect(exit.message).toContain("code 3");

    const { kernel: killed } = await start();
    const kill = await rejection(killed.execute("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"));
    expect(kill.code).toBe("exited");
    expect(kill.message).toMatch(/memory/);
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
