import { readFileSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROC_MASKED, PROC_READ_ONLY } from "@/lib/sandbox/providers/local/bwrap";
import type { Sandbox } from "@/lib/sandbox/types";
import { captureLogs } from "../../support/logs";
import { hasBwrap } from "../../support/sandbox";
import { attackHarness, PLANTED, py, ROOT, sh, type AttackHarness } from "./attack-harness";

/**
 * What a hostile fragment would try against the host, on real bubblewrap, with the server as it
 * runs in CI and in many containers: as root. Each case asserts the specific containment, not
 * merely that "something failed".
 */

if (!hasBwrap) console.warn("bwrap is not installed: the sandbox attack suite is skipped (install bubblewrap).");
const asRoot = process.getuid?.() === 0;

describe.skipIf(!hasBwrap)("local sandbox: the host stays out of reach", () => {
  let h: AttackHarness;
  let sandbox: Sandbox;
  let other: Sandbox;
  let hostServer: net.Server;
  let hostPort: number;

  beforeAll(async () => {
    process.env.TESSERA_ATTACK_PLANTED = PLANTED; // must never be visible inside
    h = attackHarness("tessera-atk-host-");
    sandbox = await h.fresh();
    other = await h.provider.create({ template: "python", ownerId: "bob", projectId: "p2" });
    await other.files.write("secret.txt", PLANTED);
    hostServer = net.createServer((s) => s.end("host service\n"));
    await new Promise<void>((r) => hostServer.listen(0, "127.0.0.1", r));
    hostPort = (hostServer.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await h.close();
    hostServer.close();
    delete process.env.TESSERA_ATTACK_PLANTED;
  });

  it("cannot read /etc/shadow", async () => {
    const r = await sh(sandbox, "cat /etc/shadow");
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/No such file/);
  });

  it("cannot read the app's .env or see the app's directory", async () => {
    const r = await sh(sandbox, `cat ${ROOT}/.env; ls ${ROOT}`);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/No such file/);
  });

  it("sees no host environment in /proc/1/environ or its own environment", async () => {
    const r = await sh(sandbox, "cat /proc/1/environ | tr '\\0' '\\n'; echo ---; env");
    expect(r.stdout).not.toContain(PLANTED);
    expect(r.stdout).not.toContain("TESSERA_ATTACK_PLANTED");
    expect(r.stdout).toContain("HOME=/home/user");
  });

  it("refuses secrets in a command's environment", async () => {
    await expect(sandbox.commands.run(["/usr/bin/env"], { env: { OPENAI_API_KEY: "x" } })).rejects.toMatchObject({ code: "bad_request:validation" });
    const r = await sandbox.commands.run(["/usr/bin/env"], { env: { GREETING: "hi" } });
    expect(r.stdout).toContain("GREETING=hi");
  });

  it("no host path is visible: not in the mount table, not in any process's environment", async () => {
    await sandbox.runCode("print('kernel up')");
    const r = await sh(sandbox, "cat /proc/self/mountinfo; for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ; cat $p/cmdline | tr '\\0' ' '; echo; done 2>/dev/null");
    for (const hostPath of [ROOT, process.cwd(), os.homedir()]) expect(r.stdout).not.toContain(hostPath);
    expect(r.stdout).not.toMatch(/^PWD=(?!\/workspace)/m);
    // What is bound read-only comes from the provider's own neutral directory, or from /usr and /etc.
    const sources = r.stdout.split("\n").filter((l) => / - /.test(l)).map((l) => l.split(" ")[3]!);
    for (const source of sources) expect(source).toMatch(/^(\/|\/usr|\/etc\/\S+|\/newroot|\/(null|zero|full|random|urandom)|\/(bus|fs|irq|sys|sysrq-trigger)|.*\/sandboxes\/.+)$/);
  });

  it("cannot read another sandbox's files, by relative or host path", async () => {
    const r = await sh(sandbox, `cat ../secret.txt /run/../*/secret.txt /workspace/../*/secret.txt 2>/dev/null; find / -name secret.txt 2>/dev/null; echo searched`);
    expect(r.stdout).not.toContain(PLANTED);
    expect(r.stdout).toBe("searched\n");
  });

  it("cannot see the host's home directory", async () => {
    const r = await sh(sandbox, `ls -a /root ${os.homedir()} 2>&1; echo done`);
    expect(r.stdout).toMatch(/No such file/);
    expect(r.stdout).not.toMatch(/\.bashrc|\.npm/);
  });

  it("cannot write outside its workspace, tmp and home: /usr, /etc, /opt, the root itself", async () => {
    const r = await sh(sandbox, "for f in /usr/pwned /etc/pwned /opt/kernel/pwned /opt/tessera/pwned /pwned /proc/pwned; do touch $f 2>&1; done; echo x > /workspace/ok.txt && echo wrote");
    expect(r.stdout).toMatch(/Read-only file system|Permission denied/);
    expect(r.stdout).toContain("wrote");
    expect(existsSync("/usr/pwned")).toBe(false);
    expect(existsSync(path.join(ROOT, "templates", "python", "pwned"))).toBe(false);
  });

  it("a planted symlink cannot make the host read a host file", async () => {
    await sh(sandbox, `ln -s /etc/passwd /workspace/link-passwd; ln -s ${ROOT}/package.json /workspace/link-pkg`);
    const passwd = await sandbox.files.readText("link-passwd");
    // The link resolves inside the sandbox: its synthetic passwd, not the host's.
    expect(passwd).toContain("user:x:1000:1000:sandbox");
    expect(passwd).not.toBe(readFileSync("/etc/passwd", "utf8"));
    await expect(sandbox.files.read("link-pkg")).rejects.toMatchObject({ code: "not_found" });
  });

  it("cannot hardlink a system file into the workspace", async () => {
    const r = await sh(sandbox, "ln /usr/bin/python3 /workspace/hard 2>&1; echo status=$?");
    expect(r.stdout).toMatch(/Invalid cross-device link|Operation not permitted/);
    expect(r.stdout).toContain("status=1");
  });

  it.skipIf(!asRoot)("started by root, the sandbox holds no root: host root is unmapped and its uid maps to an unprivileged host uid", async () => {
    const r = await sh(sandbox, "id -u; stat -c '%u %g' /usr/bin/python3 /etc/ssl; cat /proc/self/uid_map /proc/self/gid_map; touch /workspace/mine; stat -c %u /workspace/mine");
    const [uid, python, ssl, uidMap, gidMap, mine] = r.stdout.trim().split("\n");
    expect(uid).toBe("1000");
    // A root-owned host file: root is not mapped into the sandbox, so it shows as the overflow uid.
    expect(python).toBe("65534 65534");
    expect(ssl).toBe("65534 65534");
    const [inside, hostUid, count] = uidMap!.trim().split(/\s+/).map(Number);
    expect([inside, count]).toEqual([1000, 1]);
    expect(hostUid).toBeGreaterThanOrEqual(0x60000000);
    expect(gidMap!.trim().split(/\s+/)[1]).not.toBe("0");
    expect(mine).toBe("1000");
    // Another sandbox runs as another host uid.
    const theirs = await sh(other, "cat /proc/self/uid_map");
    expect(theirs.stdout.trim().split(/\s+/)[1]).not.toBe(String(hostUid));
  });

  it.skipIf(!asRoot)("the core_pattern escape fails at every step: /proc/sys is read-only, and writing it as the sandbox's user would be refused anyway", async () => {
    const before = readFileSync("/proc/sys/kernel/core_pattern", "utf8");
    const r = await sh(
      sandbox,
      "printf '#!/bin/sh\\necho owned > /tmp/owned\\n' > /workspace/h.sh; chmod +x /workspace/h.sh; echo '|/workspace/h.sh' > /proc/sys/kernel/core_pattern; echo rc=$?; echo 3 > /proc/sys/vm/drop_caches; echo rc=$?; python3 -c 'import os; os.open(\"/proc/1/exe\", os.O_WRONLY)' 2>&1 | tail -1",
    );
    expect(r.stdout).toMatch(/rc=[12]\nrc=[12]/);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(r.stdout).toMatch(/PermissionError|Read-only|Text file busy|Permission denied/);
    expect(readFileSync("/proc/sys/kernel/core_pattern", "utf8")).toBe(before);
  });

  for (const target of PROC_READ_ONLY) {
    it(`${target} is read-only inside`, async () => {
      if (!existsSync(target)) return;
      const file = target === "/proc/sys" ? "/proc/sys/kernel/hostname" : target === "/proc/sysrq-trigger" ? target : `${target}/.`;
      const r = await sh(sandbox, `grep ' ${target} ' /proc/self/mountinfo | cut -d' ' -f6; echo x > ${file} 2>&1; echo rc=$?`);
      expect(r.stdout.split("\n")[0]).toMatch(/^ro,/);
      expect(r.stdout).toMatch(/rc=[12]/);
    });
  }

  for (const target of [...PROC_MASKED, "/sys/firmware", "/sys/fs/cgroup", "/sys/kernel"]) {
    it(`${target} is masked inside`, async () => {
      const r = await sh(sandbox, `if [ -d ${target} ]; then ls -A ${target} | wc -l; elif [ -e ${target} ]; then wc -c < ${target}; else echo absent; fi`);
      expect(r.stdout.trim()).toMatch(/^(0|absent)$/);
    });
  }

  for (const [name, port] of [
    ["Postgres on 127.0.0.1:5432", 5432],
    ["Redis on 127.0.0.1:6379", 6379],
  ] as const) {
    it(`cannot reach ${name}`, async () => {
      const r = await py(sandbox, `import socket\ns=socket.socket()\ns.settimeout(2)\ntry:\n  s.connect(("127.0.0.1", ${port})); print("CONNECTED")\nexcept OSError as e: print("refused", e.errno)`);
      expect(r.stdout).toMatch(/^refused/);
    });
  }

  it("cannot reach a service on the host's loopback (the app's port)", async () => {
    const r = await py(sandbox, `import socket\ns=socket.socket()\ns.settimeout(2)\ntry:\n  s.connect(("127.0.0.1", ${hostPort})); print("CONNECTED", s.recv(100))\nexcept OSError as e: print("refused", e.errno)`);
    expect(r.stdout).toMatch(/^refused/);
  });

  it("has no route to any outside address, and no vsock to the hypervisor", async () => {
    // TEST-NET-1: with no network namespace route, nothing leaves the sandbox at all.
    const r = await py(sandbox, `import socket\ns=socket.socket()\ns.settimeout(2)\ntry:\n  s.connect(("192.0.2.1", 443)); print("CONNECTED")\nexcept OSError as e: print("unreachable", e.errno)\ntry:\n  socket.socket(40, socket.SOCK_STREAM); print("VSOCK")\nexcept OSError as e: print("vsock", e.errno)`);
    expect(r.stdout).toMatch(/^unreachable (101|113|111)/);
    expect(r.stdout).toContain("vsock 97");
  });

  it("a dependency install reaches only the configured registry; any other host is refused and logged", async () => {
    const logs = captureLogs();
    const fetchBoth = `import urllib.request
for url in ["https://example.com/", "https://registry.npmjs.org/is-number"]:
  try:
    with urllib.request.urlopen(url, timeout=20) as resp: print(url, resp.status)
  except Exception as e: print(url, "refused", type(e).__name__)`;
    const install = await py(sandbox, fetchBoth, { network: { mode: "registries" }, timeoutMs: 40_000 });
    expect(install.stdout).toContain("https://example.com/ refused");
    expect(install.stdout).toContain("https://registry.npmjs.org/is-number 200");
    const violations = logs.lines.filter((l) => l.event === "sandbox.violation");
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ sandboxId: sandbox.info.id, ownerId: "alice", kind: "network", target: "CONNECT example.com:443" });
    // Outside the install step there is no way out at all, not even to the registry.
    const run = await py(sandbox, fetchBoth, { timeoutMs: 40_000 });
    expect(run.stdout).toContain("https://registry.npmjs.org/is-number refused");
  });

  it("cannot touch the host's sockets in /run/tessera: the directory is the host's, only ports/ is the sandbox's", async () => {
    const r = await sh(sandbox, "touch /run/tessera/x 2>&1; mv /run/tessera/ports /run/tessera/p2 2>&1; ln -s /etc /run/tessera/link 2>&1; touch /run/tessera/ports/mine && echo ports-ok; stat -c '%u' /run/tessera");
    expect(r.stdout.match(/Read-only file system|Permission denied/g)?.length).toBe(3);
    expect(r.stdout).toContain("ports-ok");
    expect(r.stdout.trim().split("\n").pop()).toBe(asRoot ? "65534" : "1000");
  });

  it("cannot resolve names", async () => {
    const r = await py(sandbox, `import socket\ntry:\n  print(socket.getaddrinfo("registry.npmjs.org", 443))\nexcept OSError as e: print("no-dns", type(e).__name__)`);
    expect(r.stdout).toMatch(/^no-dns/);
  });
});
