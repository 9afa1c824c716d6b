import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import type { Sandbox } from "@/lib/sandbox/types";
import { available, hasBwrap, sandboxTempDir } from "../../support/sandbox";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const ready = hasBwrap && available("/usr/bin/python3", ["-c", "import numpy, pandas, matplotlib"]);
if (!ready) console.warn("bwrap or Debian's python3-numpy/pandas/matplotlib missing: the sandbox functional suite is skipped.");

describe.skipIf(!ready)("local sandbox: what generated code needs", () => {
  let dir: string;
  let provider: LocalSandboxProvider;
  let sandbox: Sandbox;

  beforeAll(async () => {
    dir = sandboxTempDir("tessera-sbx-fn-");
    provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates") });
    sandbox = await provider.create({ template: "python", ownerId: "alice", projectId: "p1" });
  });
  afterAll(async () => {
    await provider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts every runCode from the warm interpreter: nothing of an earlier call is there, the bundled packages it used are", async () => {
    const first = await sandbox.runCode("import math, numpy\ncounter = 41\nprint(math.sqrt(16), counter, numpy.__name__)");
    expect(first.error).toBeUndefined();
    expect(first.stdout).toBe("4.0 41 numpy\n");
    const second = await sandbox.runCode("counter += 1");
    expect(second.error).toMatchObject({ name: "NameError" });
    // numpy was used, so the supervisor imported it: later runs start with it, under its usual name.
    expect((await sandbox.runCode("np.arange(3).tolist()")).results).toEqual([{ type: "json", json: [0, 1, 2] }]);
  });

  it("runs a prelude and the code in one call, in order", async () => {
    const run = await sandbox.runCode("print(setting * 2)", { prelude: "setting = 21\nprint('ready')" });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toBe("ready\n42\n");
  });

  it("an aborted run stops its code at once, with what it started; the next run works", async () => {
    const abort = new AbortController();
    const started = Date.now();
    const pending = sandbox.runCode("import subprocess, time\nsubprocess.Popen(['sleep', '4301'])\nprint('running', flush=True)\ntime.sleep(60)", {
      signal: abort.signal,
      onStdout: (text) => {
        if (text.includes("running")) abort.abort();
      },
    });
    await expect(pending).rejects.toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await sandbox.commands.run(["/bin/sh", "-c", "pgrep -c -f '^sleep 4301$' || true"])).stdout.trim()).toBe("0");
    expect((await sandbox.runCode("print('after')")).stdout).toBe("after\n");
  });

  it("returns a matplotlib chart as PNG", async () => {
    const run = await sandbox.runCode("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.title('chart')\nplt.show()", { timeoutMs: 60_000 });
    expect(run.error).toBeUndefined();
    const png = run.results.find((r) => r.type === "png");
    expect(png).toBeDefined();
    const bytes = Buffer.from((png as { base64: string }).base64, "base64");
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("returns a pandas frame as a table", async () => {
    const run = await sandbox.runCode("import pandas as pd\npd.DataFrame({'city': ['Oslo', 'Lima'], 'temp': [4, 19]})", { timeoutMs: 60_000 });
    const table = run.results.find((r) => r.type === "table") as { columns: string[]; rows: unknown[][] } | undefined;
    expect(table?.columns).toEqual(["city", "temp"]);
    expect(table?.rows).toEqual([
      ["Oslo", 4],
      ["Lima", 19],
    ]);
  });

  it("returns a traceback as an error object", async () => {
    const run = await sandbox.runCode("def f():\n    return 1 / 0\nf()");
    expect(run.error).toMatchObject({ name: "ZeroDivisionError", value: "division by zero" });
    expect(run.error!.traceback).toContain("<cell>");
  });

  it("streams command output in order", async () => {
    const chunks: string[] = [];
    const result = await sandbox.commands.run(["/bin/sh", "-c", "for i in $(seq 1 40); do echo line $i; sleep 0.01; done"], { onStdout: (c) => chunks.push(c) });
    expect(result.exitCode).toBe(0);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(Array.from({ length: 40 }, (_, i) => `line ${i + 1}\n`).join(""));
  });

  it("commands share the sandbox like a machine: a background server answers the next command", async () => {
    const server = await sandbox.commands.start(["/usr/bin/python3", "-m", "http.server", "8123", "--bind", "127.0.0.1"]);
    let body = "";
    for (let i = 0; i < 50 && !body.includes("Directory listing"); i++) {
      const r = await sandbox.commands.run(["/usr/bin/python3", "-c", "import urllib.request\ntry:\n  print(urllib.request.urlopen('http://127.0.0.1:8123/').read().decode())\nexcept OSError as e: print('not yet', e)"]);
      body = r.stdout;
      if (!body.includes("Directory listing")) await new Promise((res) => setTimeout(res, 100));
    }
    expect(body).toContain("Directory listing");
    await server.kill();
    expect((await server.wait()).exitCode).not.toBe(0);
  });

  it("writes, lists, reads and removes project files", async () => {
    await sandbox.files.write("src/app/[slug]/page.tsx", "export default 1;\n");
    await sandbox.files.write("data/bytes.bin", new Uint8Array([0, 1, 2, 255]));
    const listed = (await sandbox.files.list()).map((e) => e.path);
    expect(listed).toEqual(expect.arrayContaining(["src/app/[slug]/page.tsx", "data/bytes.bin"]));
    expect(await sandbox.files.readText("src/app/[slug]/page.tsx")).toBe("export default 1;\n");
    expect([...(await sandbox.files.read("data/bytes.bin"))]).toEqual([0, 1, 2, 255]);
    await sandbox.files.remove("data");
    await expect(sandbox.files.read("data/bytes.bin")).rejects.toMatchObject({ code: "not_found" });
  });

  it("a timed-out runCode resets the kernel and the next call works", async () => {
    await expect(sandbox.runCode("while True: pass", { timeoutMs: 1_000 })).rejects.toMatchObject({ code: "bad_request:validation" });
    const next = await sandbox.runCode("print('back')");
    expect(next.stdout).toBe("back\n");
  });
});

describe.skipIf(!ready)("local sandbox templates", () => {
  it("offers only templates that exist and refuses others by name", async () => {
    const dir = sandboxTempDir("tessera-sbx-tpl-");
    const provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates") });
    try {
      expect(provider.templates()).toContain("python");
      await expect(provider.create({ template: "cobol", ownerId: "a", projectId: "p" })).rejects.toMatchObject({ code: "bad_request:validation" });
    } finally {
      await provider.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
