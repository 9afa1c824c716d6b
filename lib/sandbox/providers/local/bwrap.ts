import { existsSync, statSync } from "node:fs";

/**
 * The bubblewrap command line of a sandbox's holder, and the launcher that joins a command to it.
 *
 * What the sandbox sees: read-only /usr (and the /bin, /lib symlinks into it), a synthetic /etc with
 * only what programs need, the staged template read-only at /opt/template (kernel and runtime
 * helpers at /opt/kernel and /opt/tessera), its own /proc with runc's read-only and masked paths, a
 * minimal /dev, no /sys at all, and size-capped in-memory /workspace, /tmp and home: the disk cap is
 * the kernel's ENOSPC for every process, and no writable path has a host path. The root itself is
 * read-only. New user, pid, ipc, uts, cgroup and network namespaces (loopback only), an unprivileged
 * uid, every capability dropped, a seccomp filter (which also refuses every way to make a nested
 * user namespace), a new session (no terminal injection), and death with its parent.
 */

export const SANDBOX_UID = 1000;
export const WORKSPACE = "/workspace";
export const TEMPLATE_MOUNT = "/opt/template";
export const KERNEL_MOUNT = "/opt/kernel";
export const RUNTIME_MOUNT = "/opt/tessera";
export const RUN_MOUNT = "/run/tessera";
export const HOME = "/home/user";

export interface SandboxLayout {
  /** Host dir holding passwd, group, hosts, nsswitch.conf and resolv.conf for the sandbox. */
  etcDir: string;
  /** An empty host dir and an empty host file, bound over masked /proc paths. */
  emptyDir: string;
  emptyFile: string;
  templateDir?: string;
  kernelDir: string;
  runtimeDir: string;
  /** Host side of /run/tessera: unix sockets between the host and the sandbox. */
  runDir: string;
  workspaceBytes: number;
  tmpBytes: number;
  homeBytes: number;
}

export interface HolderOptions {
  layout: SandboxLayout;
  env: Record<string, string>;
  hostname: string;
  /** File descriptor (in bwrap's own table) of the seccomp program. */
  seccompFd: number;
}

export const ETC_FILES = ["passwd", "group", "hosts", "nsswitch.conf", "resolv.conf"];
const HOST_ETC = ["/etc/alternatives", "/etc/ssl", "/etc/ld.so.cache", "/etc/mime.types", "/etc/fonts", "/etc/python3", "/etc/python3.11", "/etc/matplotlibrc"];

const SYSTEM_SYMLINKS: [string, string][] = [
  ["usr/bin", "/bin"],
  ["usr/sbin", "/sbin"],
  ["usr/lib", "/lib"],
  ["usr/lib64", "/lib64"],
  ["usr/lib32", "/lib32"],
];

/** runc's and Docker's defaults (oci/defaults.go): read-only, and hidden. /sys is not mounted at all. */
export const PROC_READ_ONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];
export const PROC_MASKED = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi"];

function procArgs(layout: SandboxLayout): string[] {
  const args = ["--proc", "/proc"];
  // Bound from the host's /proc: these trees are the kernel's own (or answer per the reader's
  // namespaces), so the host's copy read-only is the sandbox's copy read-only.
  for (const p of PROC_READ_ONLY) if (existsSync(p)) args.push("--ro-bind", p, p);
  for (const p of PROC_MASKED) {
    let dir: boolean;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      continue; // not on this kernel
    }
    args.push("--ro-bind", dir ? layout.emptyDir : layout.emptyFile, p);
  }
  return args;
}

/**
 * A minimal /dev built by hand rather than with bwrap's --dev: that one mounts a devpts, which
 * makes bwrap nest a second user namespace, and a process joining the sandbox (nsenter, as the
 * sandbox's own unprivileged uid) could then not enter the namespaces the outer one owns. No pty
 * is needed by anything a sandbox runs.
 */
function devArgs(): string[] {
  const args = ["--tmpfs", "/dev"];
  for (const node of ["null", "zero", "full", "random", "urandom"]) args.push("--dev-bind", `/dev/${node}`, `/dev/${node}`);
  args.push("--symlink", "/proc/self/fd", "/dev/fd");
  for (const [i, name] of ["stdin", "stdout", "stderr"].entries()) args.push("--symlink", `/proc/self/fd/${i}`, `/dev/${name}`);
  // POSIX shared memory and semaphores (Python's multiprocessing), sized like the other tmpfs.
  args.push("--size", String(64 * 1024 * 1024), "--tmpfs", "/dev/shm");
  args.push("--remount-ro", "/dev");
  return args;
}

export function holderArgs(options: HolderOptions, argv: string[]): string[] {
  const { layout } = options;
  const args = [
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    // Always a private network namespace: even the install step reaches out only through the
    // registry proxy's unix socket.
    "--unshare-net",
    "--uid",
    String(SANDBOX_UID),
    "--gid",
    String(SANDBOX_UID),
    "--hostname",
    options.hostname,
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
    "--clearenv",
    "--seccomp",
    String(options.seccompFd),
    "--ro-bind",
    "/usr",
    "/usr",
  ];
  for (const [target, link] of SYSTEM_SYMLINKS) {
    if (existsSync(`/${target}`)) args.push("--symlink", target, link);
  }
  // A synthetic /etc: our passwd/group/hosts, and only the host files runtimes need to work.
  args.push("--tmpfs", "/etc");
  for (const name of ETC_FILES) args.push("--ro-bind", `${layout.etcDir}/${name}`, `/etc/${name}`);
  for (const extra of HOST_ETC) {
    if (existsSync(extra)) args.push("--ro-bind", extra, extra);
  }
  args.push("--remount-ro", "/etc");
  args.push(...procArgs(layout), ...devArgs());
  args.push("--size", String(layout.tmpBytes), "--tmpfs", "/tmp");
  args.push("--perms", "0700", "--size", String(layout.homeBytes), "--tmpfs", HOME);
  args.push("--size", String(layout.workspaceBytes), "--tmpfs", WORKSPACE);
  if (layout.templateDir) args.push("--ro-bind", layout.templateDir, TEMPLATE_MOUNT);
  args.push("--ro-bind", layout.kernelDir, KERNEL_MOUNT, "--ro-bind", layout.runtimeDir, RUNTIME_MOUNT);
  // The host's sockets live in /run/tessera, read-only for the sandbox even when it runs as the
  // server's own user; only ports/ (where the in-sandbox relays listen) is writable.
  args.push("--ro-bind", layout.runDir, RUN_MOUNT, "--bind", `${layout.runDir}/ports`, `${RUN_MOUNT}/ports`);
  args.push("--remount-ro", "/");
  args.push("--chdir", WORKSPACE);
  for (const [name, value] of Object.entries(options.env)) args.push("--setenv", name, value);
  args.push("--", ...argv);
  return args;
}
