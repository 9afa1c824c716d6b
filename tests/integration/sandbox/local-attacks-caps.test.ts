import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cgroupLayout, sandboxCores } from "@/lib/sandbox/providers/local/cgroups";
import { hasBwrap } from "../../support/sandbox";
import { attackHarness, py, sh, SMALL_LIMITS, type AttackHarness } from "./attack-harness";

/**
 * Every cap holds for every process in a sandbox — the Python kernel, servers, daemons that left
 * their process tree — because it is enforced by cgroup or by the kernel (tmpfs sizes, rlimits),
 * not by watching a process tree. Each destructive case runs in a sandbox of its own.
 */

const MiB = 1024 * 1024;
const cgroups = hasBwrap ? cgroupLayout() : null;

/** `sleep <marker>` processes alive anywhere on this host (the sandbox's pid namespace is a child of ours). */
function hostSleepers(marker: string): number {
  try {
    return execFileSync("pgrep", ["-f", `^(/usr/bin/)?sleep ${marker}$`], { encoding: "utf8" }).split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe.skipIf(!hasBwrap)("local sandbox: caps hold for every process", () => {
  let h: AttackHarness;

  beforeAll(() => {
    h = attackHarness("tessera-atk-caps-");
  });

  afterAll(async () => {
    await h.close();
  });

  it("a fork bomb is contained by the process cap; the host and the next command are unaffected", async () => {
    const sandbox = await h.fresh();
    const r = await sh(sandbox, "bomb() { bomb | bomb & }; bomb; sleep 2; echo survived", { timeoutMs: 10_000 });
    expect(r.exitCode === 0 || r.killedBy !== undefined).toBe(true);
    expect(execFileSync("/bin/echo", ["host ok"]).toString()).toBe("host ok\n");
    // The bomb's processes are gone with its command: the sandbox answers again.
    expect((await sh(sandbox, "echo alive")).stdout).toBe("alive\n");
    if (cgroups) expect((await sandbox.metrics()).processes).toBeLessThan(SMALL_LIMITS.maxProcesses);
  });

  it("a memory bomb is stopped at the memory cap", async () => {
    const sandbox = await h.fresh();
    const r = await py(sandbox, "x = []\nwhile True: x.append(bytearray(16 * 1024 * 1024))", { timeoutMs: 20_000 });
    expect(r.exitCode).not.toBe(0);
    expect(r.killedBy === "memory" || /MemoryError/.test(r.stderr), JSON.stringify({ ...r, stdout: "" })).toBe(true);
  });

  it("filling the disk from a command stops at the disk cap, exactly (the workspace's own size), and freeing space recovers", async () => {
    const sandbox = await h.fresh();
    const r = await sh(sandbox, "i=0; while [ $i -lt 200 ]; do head -c 8388608 /dev/zero > /workspace/fill$i || break; i=$((i+1)); done; echo wrote $i", { timeoutMs: 20_000 });
    expect(r.stderr).toMatch(/No space left on device/);
    const { diskBytes } = await sandbox.metrics();
    expect(diskBytes).toBeLessThanOrEqual(SMALL_LIMITS.diskBytes);
    expect(diskBytes).toBeGreaterThan(SMALL_LIMITS.diskBytes - 9 * MiB);
    const cleanup = await sh(sandbox, "rm -f /workspace/fill*; echo cleaned");
    expect(cleanup.stdout).toBe("cleaned\n");
    expect((await sandbox.metrics()).diskBytes).toBeLessThan(MiB);
  });

  it("the Python kernel filling the disk over many files stops at the same cap", async () => {
    const sandbox = await h.fresh({ limits: { ...SMALL_LIMITS, diskBytes: 128 * MiB, maxFileBytes: 64 * MiB, memoryBytes: 256 * MiB } });
    const run = await sandbox.runCode(
      "import os\nwritten = 0\ntry:\n    for i in range(24):\n        with open(f'/workspace/k{i}', 'wb') as f:\n            for _ in range(63):\n                f.write(b'\\0' * (1 << 20)); written += 1 << 20\nexcept OSError as e:\n    print('stopped', e.errno, written >> 20)",
      { timeoutMs: 30_000 },
    );
    expect(run.stdout).toMatch(/^stopped 28 \d+\n$/); // ENOSPC
    expect(Number(/stopped 28 (\d+)/.exec(run.stdout)?.[1])).toBeLessThanOrEqual(128);
    expect((await sandbox.metrics()).diskBytes).toBeLessThanOrEqual(128 * MiB);
  });

  it("a single file larger than the file cap is cut off", async () => {
    const sandbox = await h.fresh();
    const r = await sh(sandbox, `head -c ${SMALL_LIMITS.maxFileBytes + MiB} /dev/zero > /workspace/big; echo status=$?`);
    expect(r.stderr + r.stdout).toMatch(/File too large|File size limit exceeded|status=153/);
  });

  it("a CPU spin is stopped at the CPU-time cap", async () => {
    const sandbox = await h.fresh();
    const r = await py(sandbox, "while True: pass", { timeoutMs: 30_000 });
    expect(r.killedBy).toBe("cpu");
  });

  it("a command past its wall-time cap is stopped", async () => {
    const sandbox = await h.fresh();
    const r = await sh(sandbox, "sleep 30", { timeoutMs: 500 });
    expect(r.killedBy).toBe("timeout");
  });

  it("a daemon that left the command's process tree (setsid, double fork) dies at the command's wall-time cap", async () => {
    const sandbox = await h.fresh();
    const r = await sh(sandbox, "setsid sh -c 'sleep 4101 & sleep 4101' & sleep 30", { timeoutMs: 800 });
    expect(r.killedBy).toBe("timeout");
    expect((await sh(sandbox, "pgrep -c -f '^sleep 4101$' || true")).stdout.trim()).toBe("0");
    expect(hostSleepers("4101")).toBe(0);
  });

  it("a daemon a command left behind when it exited goes with it", async () => {
    const sandbox = await h.fresh();
    const r = await sh(sandbox, "setsid sh -c 'sleep 4102 & sleep 4102' > /dev/null 2>&1 & echo started");
    expect(r.stdout).toBe("started\n");
    expect((await sh(sandbox, "pgrep -c -f '^sleep 4102$' || true")).stdout.trim()).toBe("0");
    expect(hostSleepers("4102")).toBe(0);
  });

  it("a background command's daemons die when it is stopped", async () => {
    const sandbox = await h.fresh();
    const bg = await sandbox.commands.start(["/bin/sh", "-c", "setsid sh -c 'sleep 4103 & sleep 4103' & sleep 1000"]);
    for (let i = 0; i < 100 && hostSleepers("4103") < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(hostSleepers("4103")).toBe(2);
    await bg.kill();
    await bg.wait();
    expect(hostSleepers("4103")).toBe(0);
  });

  it("the Python kernel past its wall-time cap is killed with everything it started, forged frames and all; the next run works", async () => {
    const sandbox = await h.fresh();
    const code =
      "import json, os, subprocess\nsubprocess.Popen(['setsid', 'sh', '-c', 'sleep 4104 & sleep 4104'])\nfor fd in range(0, 64):\n    for i in range(1, 30):\n        try:\n            os.write(fd, (json.dumps({'id': f'r{i}', 'type': 'result', 'results': [], 'error': None}) + '\\n').encode())\n        except OSError:\n            pass\nwhile True: pass";
    await expect(sandbox.runCode(code, { timeoutMs: 1_500 })).rejects.toMatchObject({ message: expect.stringMatching(/time limit/) });
    expect(hostSleepers("4104")).toBe(0);
    expect((await sandbox.runCode("print('next run')")).stdout).toBe("next run\n");
  });

  it("a daemon the Python kernel started does not outlive the run", async () => {
    const sandbox = await h.fresh();
    const run = await sandbox.runCode("import subprocess\nsubprocess.Popen(['setsid', 'sh', '-c', 'sleep 4105 & sleep 4105'])\nprint('started')");
    expect(run.stdout).toBe("started\n");
    expect(hostSleepers("4105")).toBe(0);
  });

  it("cannot hold 10,000 open files", async () => {
    const sandbox = await h.fresh();
    const r = await py(sandbox, "fs=[]\ntry:\n  [fs.append(open('/dev/null')) for _ in range(10000)]; print('opened', len(fs))\nexcept OSError as e: print('stopped at', len(fs), e.errno)");
    expect(r.stdout).toMatch(/^stopped at \d+ 24/);
    expect(Number(/stopped at (\d+)/.exec(r.stdout)?.[1])).toBeLessThan(1024);
  });

  it("a command's output flood is capped and counted, not buffered", async () => {
    const sandbox = await h.fresh();
    let streamed = 0;
    const r = await sh(sandbox, "yes flood | head -c 50000000", { onStdout: (c) => (streamed += Buffer.byteLength(c)) });
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1024 * 1024);
    expect(streamed).toBeLessThanOrEqual(1024 * 1024);
    expect(r.truncatedBytes).toBeGreaterThan(0);
  });

  it("the Python kernel's output flood is capped on the way out: 1.5 GB printed, at most the cap streamed", async () => {
    const sandbox = await h.fresh();
    let streamed = 0;
    const run = await sandbox.runCode("chunk = 'z' * (1 << 20) + '\\n'\nfor _ in range(1500):\n    print(chunk, end='')", { timeoutMs: 60_000, onStdout: (c) => (streamed += Buffer.byteLength(c)) });
    expect(streamed).toBeLessThanOrEqual(1024 * 1024);
    expect(Buffer.byteLength(run.stdout)).toBeLessThanOrEqual(1024 * 1024);
    expect(run.error).toMatchObject({ name: "OutputLimitExceeded" }); // stopped long before 1.5 GB
  });

  it.skipIf(!cgroups || (cgroups.kind === "v1" ? !cgroups.cpu : !cgroups.cpu))("every sandbox has a CPU cap and a low weight, and all of them together leave the app a core", async () => {
    const sandbox = await h.fresh();
    await sh(sandbox, "true");
    const scope = h.provider.cgroupScope;
    const id = sandbox.info.id;
    if (cgroups!.kind === "v1") {
      const dir = path.join(cgroups!.cpu!, scope, id);
      expect(Number(readFileSync(path.join(dir, "cpu.cfs_quota_us"), "utf8"))).toBe(sandboxCores() * 100_000);
      expect(Number(readFileSync(path.join(cgroups!.cpu!, "cpu.cfs_quota_us"), "utf8"))).toBe(sandboxCores() * 100_000);
      expect(Number(readFileSync(path.join(cgroups!.cpu!, "cpu.shares"), "utf8"))).toBeLessThan(1024);
    } else {
      expect(readFileSync(path.join(cgroups!.dir, scope, id, "cpu.max"), "utf8").trim()).toBe(`${sandboxCores() * 100_000} 100000`);
      expect(Number(readFileSync(path.join(cgroups!.dir, "cpu.weight"), "utf8"))).toBeLessThan(100);
    }
  });
});
