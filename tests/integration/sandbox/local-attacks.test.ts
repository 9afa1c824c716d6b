import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import { captureLogs } from "../../support/logs";
import { hasBwrap } from "../../support/sandbox";
import type { Sandbox } from "@/lib/sandbox/types";

/**
 * What a hostile fragment would try, on real bubblewrap. Each case asserts the specific
 * containment, not merely that "something failed".
 */

const ROOT = path.resolve(import.meta.dirname, "../../..");
if (!hasBwrap) console.warn("bwrap is not installed: the sandbox attack suite is skipped (install bubblewrap).");

const PLANTED = `planted-${Math.random().toString(36).slice(2)}`;

describe.skipIf(!hasBwrap)("local sandbox contains hostile code", () => {
  let dir: string;
  let provider: LocalSandboxProvider;
  let sandbox: Sandbox;
  let other: Sandbox;
  let hostServer: net.Server;
  let hostPort: number;

  const sh = (script: string, opts: Parameters<Sandbox["commands"]["run"]>[1] = {}) => sandbox.commands.run(["/bin/sh", "-c", script], opts);
  const py = (code: string, opts: Parameters<Sandbox["commands"]["run"]>[1] = {}) => sandbox.commands.run(["/usr/bin/python3", "-c", code], opts);

  beforeAll(async () => {
    process.env.TESSERA_ATTACK_PLANTED = PLANTED; // must never be visible inside
    dir = mkdtempSync(path.join(os.tmpdir(), "tessera-sbx-"));
    provider = new LocalSandboxProvider({ rootDir: path.join(dir, "sandboxes"), templatesDir: path.join(ROOT, "templates"), maxPerOwner: 10 });
    sandbox = await provider.create({ template: "python", ownerId: "alice", projectId: "p1", limits: { cpuSeconds: 3, commandTimeoutMs: 20_000, memoryBytes: 256 * 1024 * 1024, diskBytes: 64 * 1024 * 1024, maxFileBytes: 32 * 1024 * 1024, maxProcesses: 64 } });
    other = await provider.create({ template: "python", ownerId: "bob", projectId: "p2" });
    await other.files.write("secret.txt", PLANTED);
    hostServer = net.createServer((s) => s.end("host service\n"));
    await new Promise<void>((r) => hostServer.listen(0, "127.0.0.1", r));
    hostPort = (hostServer.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    const ids = [sandbox.info.id, other.info.id];
    await provider.shutdown();
    // Nothing is left behind: no directory, no cgroup.
    for (const id of ids) {
      expect(existsSync(path.join(dir, "sandboxes", id))).toBe(false);
      for (const controller of ["pids", "memory", "cpuacct", ""]) {
        expect(existsSync(path.join("/sys/fs/cgroup", controller, "tessera", provider.cgroupScope, id))).toBe(false);
      }
    }
    hostServer.close();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.TESSERA_ATTACK_PLANTED;
  });

  it("cannot read /etc/shadow", async () => {
    const r = await sh("cat /etc/shadow");
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/No such file/);
  });

  it("cannot read the app's .env or see the app's directory", async () => {
    const r = await sh(`cat ${ROOT}/.env; ls ${ROOT}`);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/No such file/);
  });

  it("sees no host environment in /proc/1/environ or its own environment", async () => {
    const r = await sh("cat /proc/1/environ | tr '\\0' '\\n'; echo ---; env");
    expect(r.stdout).not.toContain(PLANTED);
    expect(r.stdout).not.toContain("TESSERA_ATTACK_PLANTED");
    expect(r.stdout).toContain("HOME=/home/user");
  });

  it("cannot read another sandbox's files, by relative or host path", async () => {
    const otherDir = path.join(dir, "sandboxes", other.info.id, "project");
    const r = await sh(`cat ../${other.info.id}/project/secret.txt; cat ${otherDir}/secret.txt; ls /workspace/..`);
    expect(r.stdout).not.toContain(PLANTED);
    expect(r.stdout).not.toContain("sbx_");
  });

  it("cannot see the host's home directory", async () => {
    const r = await sh(`ls -a /root ${os.homedir()} 2>&1; echo done`);
    expect(r.stdout).toMatch(/No such file/);
    expect(r.stdout).not.toMatch(/\.bashrc|\.npm/);
  });

  it("cannot write outside the project directory", async () => {
    const r = await sh("touch /usr/pwned; touch /etc/pwned; touch /opt/kernel/pwned; touch /pwned; echo x > /workspace/ok.txt && echo wrote");
    expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
    expect(r.stdout).toContain("wrote");
    expect(existsSync("/usr/pwned")).toBe(false);
    expect(existsSync(path.join(ROOT, "templates", "python", "pwned"))).toBe(false);
  });

  it("a planted symlink cannot make the host read a host file", async () => {
    await sh(`ln -s /etc/passwd /workspace/link-passwd; ln -s ${ROOT}/package.json /workspace/link-pkg`);
    const passwd = await sandbox.files.readText("link-passwd");
    // The link resolves inside the sandbox: its synthetic passwd, not the host's.
    expect(passwd).toContain("user:x:1000:1000:sandbox");
    expect(passwd).not.toBe(readFileSync("/etc/passwd", "utf8"));
    await expect(sandbox.files.read("link-pkg")).rejects.toMatchObject({ code: "not_found" });
  });

  it("cannot hardlink a system file into the project", async () => {
    const r = await sh("ln /usr/bin/python3 /workspace/hard 2>&1; echo status=$?");
    expect(r.stdout).toMatch(/Invalid cross-device link|Operation not permitted/);
    expect(r.stdout).toContain("status=1");
  });

  for (const [name, port] of [
    ["Postgres on 127.0.0.1:5432", 5432],
    ["Redis on 127.0.0.1:6379", 6379],
  ] as const) {
    it(`cannot reach ${name}`, async () => {
      const r = await py(`import socket\ns=socket.socket()\ns.settimeout(2)\ntry:\n  s.connect(("127.0.0.1", ${port})); print("CONNECTED")\nexcept OSError as e: print("refused", e.errno)`);
      expect(r.stdout).toMatch(/^refused/);
    });
  }

  it("cannot reach a service on the host's loopback (the app's port)", async () => {
    const r = await py(`import socket\ns=socket.socket()\ns.settimeout(2)\ntry:\n  s.connect(("127.0.0.1", ${hostPort})); print("CONNECTED", s.recv(100))\nexcept OSError as e: print("refused", e.errno)`);
    expect(r.stdout).toMatch(/^refused/);
  });

  it("has no route to any outside address", async () => {
    // TEST-NET-1: with no network namespace route, nothing leaves the sandbox at all.
    const r = await py(`import socket\ns=socket.socket()\ns.settimeout(2)\ntry:\n  s.connect(("192.0.2.1", 443)); print("CONNECTED")\nexcept OSError as e: print("unreachable", e.errno)`);
    expect(r.stdout).toMatch(/^unreachable (101|113|111)/);
  });

  it("a dependency install reaches only the configured registry; any other host is refused and logged", async () => {
    const logs = captureLogs();
    const fetchBoth = `import urllib.request
for url in ["https://example.com/", "https://registry.npmjs.org/is-number"]:
  try:
    with urllib.request.urlopen(url, timeout=20) as resp: print(url, resp.status)
  except Exception as e: print(url, "refused", type(e).__name__)`;
    const install = await py(fetchBoth, { network: { mode: "registries" }, timeoutMs: 40_000 });
    expect(install.stdout).toContain("https://example.com/ refused");
    expect(install.stdout).toContain("https://registry.npmjs.org/is-number 200");
    const violations = logs.lines.filter((l) => l.event === "sandbox.violation");
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ sandboxId: sandbox.info.id, ownerId: "alice", kind: "network", target: "CONNECT example.com:443" });
    // Outside the install step there is no way out at all, not even to the registry.
    const run = await py(fetchBoth, { timeoutMs: 40_000 });
    expect(run.stdout).toContain("https://registry.npmjs.org/is-number refused");
  });

  it("cannot resolve names", async () => {
    const r = await py(`import socket\ntry:\n  print(socket.getaddrinfo("registry.npmjs.org", 443))\nexcept OSError as e: print("no-dns", type(e).__name__)`);
    expect(r.stdout).toMatch(/^no-dns/);
  });

  it("a fork bomb is contained by the process cap and the host keeps spawning", async () => {
    const r = await sh("bomb() { bomb | bomb & }; bomb; sleep 2; echo survived", { timeoutMs: 8_000 });
    expect(r.exitCode === 0 || r.killedBy !== undefined).toBe(true);
    expect(r.stderr + r.stdout).toMatch(/fork|Resource temporarily unavailable|Cannot fork|survived/i);
    expect(execFileSync("/bin/echo", ["host ok"]).toString()).toBe("host ok\n");
    const after = await sh("echo alive");
    expect(after.stdout).toBe("alive\n");
  });

  it("a memory bomb is stopped at the memory cap", async () => {
    const r = await py("x = []\nwhile True: x.append(bytearray(16 * 1024 * 1024))", { timeoutMs: 15_000 });
    expect(r.exitCode).not.toBe(0);
    expect(r.killedBy === "memory" || /MemoryError/.test(r.stderr), JSON.stringify({ ...r, stdout: "" })).toBe(true);
  });

  it("filling the disk is stopped at the file and disk caps", async () => {
    const r = await sh("i=0; while [ $i -lt 200 ]; do head -c 8388608 /dev/zero > /workspace/fill$i || break; i=$((i+1)); done; echo wrote $i", { timeoutMs: 15_000 });
    const metrics = await sandbox.metrics();
    // The cap is 64 MiB; the watchdog polls, so allow one poll interval of writing past it.
    expect(metrics.diskBytes).toBeLessThan(64 * 1024 * 1024 + 256 * 1024 * 1024);
    expect(r.killedBy === "killed" || /File too large|No space|Disk quota/i.test(r.stderr)).toBe(true);
    // Freeing space works while the project is still over the cap, and the sandbox recovers.
    const cleanup = await sh("rm -f /workspace/fill*; echo cleaned");
    expect(cleanup.killedBy).toBeUndefined();
    expect(cleanup.stdout).toContain("cleaned");
    expect((await sandbox.metrics()).diskBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("a single file larger than the file cap is cut off", async () => {
    const r = await sh("head -c 67108864 /dev/zero > /workspace/big; echo status=$?");
    expect(r.stderr + r.stdout).toMatch(/File too large|status=1|status=153/);
    await sh("rm -f /workspace/big");
  });

  it("a CPU spin is stopped at the CPU-time cap", async () => {
    const r = await py("while True: pass", { timeoutMs: 20_000 });
    expect(r.killedBy).toBe("cpu");
  });

  it("a command past its wall-time cap is stopped", async () => {
    const r = await sh("sleep 30", { timeoutMs: 500 });
    expect(r.killedBy).toBe("timeout");
  });

  it("cannot hold 10,000 open files", async () => {
    const r = await py("fs=[]\ntry:\n  [fs.append(open('/dev/null')) for _ in range(10000)]; print('opened', len(fs))\nexcept OSError as e: print('stopped at', len(fs), e.errno)");
    expect(r.stdout).toMatch(/^stopped at \d+ 24/);
    expect(Number(/stopped at (\d+)/.exec(r.stdout)?.[1])).toBeLessThan(1024);
  });

  it("cannot see, ptrace or read the memory of a host process", async () => {
    const r = await py(
      `import os, ctypes\nprint("visible", os.path.exists("/proc/${process.pid}"))\nlibc = ctypes.CDLL(None, use_errno=True)\nres = libc.ptrace(16, ${process.pid}, 0, 0)\nprint("ptrace", res, ctypes.get_errno())\ntry:\n  open("/proc/${process.pid}/mem","rb").read(1); print("READ")\nexcept OSError as e: print("mem", e.errno)`,
    );
    expect(r.stdout).toContain("ptrace -1 3"); // ESRCH: the pid does not exist in this namespace
    expect(r.stdout).not.toContain("READ");
    const own = await py(`print(sorted(int(p) for p in __import__("os").listdir("/proc") if p.isdigit()))`);
    expect(own.stdout).not.toContain(String(process.pid));
  });

  it("cannot become root", async () => {
    const r = await py("import os\nprint(os.getuid())\ntry:\n  os.setuid(0); print('ROOT')\nexcept OSError as e: print('denied', e.errno)");
    // EPERM without capabilities, or EINVAL because uid 0 does not even exist in this user namespace.
    expect(r.stdout).toMatch(/^1000\ndenied (1|22)\n$/);
  });

  it("cannot mount filesystems", async () => {
    const r = await py("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())");
    expect(r.stdout).toBe("-1 1\n"); // EPERM
  });

  it("cannot create new namespaces (unshare)", async () => {
    const r = await py("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.unshare(0x10000000), ctypes.get_errno())"); // CLONE_NEWUSER
    expect(r.stdout).toMatch(/^-1 (1|28)\n$/); // EPERM or ENOSPC (max_user_namespaces = 0)
  });

  it("cannot kill host processes", async () => {
    const r = await sh(`kill -9 ${process.pid} 2>&1; kill -9 1 2>&1; echo done`);
    expect(r.stdout).toMatch(/No such process|done/);
    expect(process.kill(process.pid, 0)).toBe(true);
  });

  it("output floods are capped and counted, not buffered", async () => {
    const r = await sh("yes flood", { timeoutMs: 10_000 });
    expect(r.stdout.length).toBeLessThanOrEqual(1024 * 1024);
    expect(r.truncatedBytes).toBeGreaterThan(0);
    expect(r.killedBy).toBe("output");
  });

  it("refuses secrets in a command's environment", async () => {
    await expect(sandbox.commands.run(["/usr/bin/env"], { env: { OPENAI_API_KEY: "x" } })).rejects.toMatchObject({ code: "bad_request:validation" });
    const r = await sandbox.commands.run(["/usr/bin/env"], { env: { GREETING: "hi" } });
    expect(r.stdout).toContain("GREETING=hi");
  });

  it("refuses traversal and forbidden paths before touching the sandbox", async () => {
    for (const bad of ["../../etc/passwd", "/abs/path", "src/.env", ".git/config", "a/node_modules/x"]) {
      await expect(sandbox.files.write(bad, "x")).rejects.toMatchObject({ code: "bad_request:validation" });
    }
  });

  it("another instance's orphan sweep leaves this instance's sandboxes alone", async () => {
    const otherDir = mkdtempSync(path.join(os.tmpdir(), "tessera-sbx-other-"));
    const otherInstance = new LocalSandboxProvider({ rootDir: otherDir, templatesDir: path.join(ROOT, "templates") });
    try {
      await otherInstance.list("nobody"); // its start-up sweep has run by now
      await otherInstance.create({ template: "python", ownerId: "zed", projectId: "z" }).then((s) => s.kill());
      expect((await sh("echo still here")).stdout).toBe("still here\n");
      expect((await sandbox.metrics()).processes).toBeGreaterThanOrEqual(0);
    } finally {
      await otherInstance.shutdown();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it("a wrong owner cannot connect, read or kill", async () => {
    await expect(provider.connect(other.info.id, "alice")).rejects.toMatchObject({ code: "not_found" });
    await expect(provider.kill(other.info.id, "alice")).rejects.toMatchObject({ code: "not_found" });
    expect((await provider.list("alice")).map((s) => s.id)).not.toContain(other.info.id);
    expect(await (await provider.connect(other.info.id, "bob")).files.readText("secret.txt")).toBe(PLANTED);
  });

  it("a killed sandbox leaves no process, directory or cgroup behind", async () => {
    const doomed = await provider.create({ template: "python", ownerId: "alice", projectId: "p4" });
    const bg = await doomed.commands.start(["/bin/sh", "-c", "sleep 1000 & sleep 1000"]);
    await provider.kill(doomed.info.id, "alice");
    expect((await bg.wait()).exitCode).not.toBe(0);
    expect(existsSync(path.join(dir, "sandboxes", doomed.info.id))).toBe(false);
    for (const controller of ["pids", "memory", "cpuacct", ""]) {
      expect(existsSync(path.join("/sys/fs/cgroup", controller, "tessera", provider.cgroupScope, doomed.info.id))).toBe(false);
    }
  });

  it("a process that sleeps forever is reaped at the TTL", async () => {
    const short = await provider.create({ template: "python", ownerId: "alice", projectId: "p3", timeoutMs: 1_500 });
    const bg = await short.commands.start(["/bin/sleep", "1000"]);
    const result = await bg.wait();
    expect(result.exitCode).not.toBe(0);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(short.info.status).toBe("killed");
    await expect(provider.connect(short.info.id, "alice")).rejects.toMatchObject({ code: "not_found" });
    expect(existsSync(path.join(dir, "sandboxes", short.info.id))).toBe(false);
  });
});
