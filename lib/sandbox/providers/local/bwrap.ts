import { existsSync, statSync } from "node:fs";
import type { LauncherSyscalls } from "./seccomp";

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

/**
 * Joins a command to its sandbox, in Perl (always there: Debian's perl-base is essential; it starts
 * in about a millisecond, can make raw syscalls, and reads nothing from its environment). What
 * nsenter and setpriv would do, plus what they cannot: once inside the sandbox's user namespace the
 * process holds every capability of that namespace, and only then can the bounding set be emptied
 * (after an exec as the sandbox's uid 1000 the capabilities are gone, and with them the right to
 * drop it). In order: enter the user namespace (the sandbox's own uid owns it), then ipc, uts, net,
 * pid and mount; take the holder's root and the working directory; empty the bounding set, the
 * ambient set and every capability; forbid new privileges; install the seccomp filter; fork (the
 * pid namespace applies to children) and exec the command with exactly its environment.
 * Arguments: holder pid, working directory, filter fd, then the syscall numbers, then the command.
 */
const JOIN = `
use strict;
my ($pid, $cwd, $fd, $setns, $prctl, $capset, $seccomp, @cmd) = @ARGV;
sub fail { print STDERR "tessera: cannot join the sandbox: $_[0]\n"; exit 125 }
open(my $fh, "<&=", $fd) or fail("no seccomp filter on fd $fd ($!)");
binmode $fh; my $bpf = do { local $/; <$fh> }; close $fh;
fail("malformed seccomp filter") unless length($bpf) && length($bpf) % 8 == 0;
my %flag = (user => 0x10000000, ipc => 0x08000000, uts => 0x04000000, net => 0x40000000, pid => 0x20000000, mnt => 0x00020000);
my %ns;
for my $t (qw(user ipc uts net pid mnt)) { open($ns{$t}, "<", "/proc/$pid/ns/$t") or fail("$t namespace ($!)") }
opendir(my $root, "/proc/$pid/root") or fail("root ($!)");
for my $t (qw(user ipc uts net pid mnt)) { syscall(0 + $setns, fileno($ns{$t}), $flag{$t}) == 0 or fail("enter $t ($!)") }
chdir($root) or fail("root ($!)"); chroot(".") or fail("chroot ($!)"); chdir($cwd) or fail("$cwd ($!)");
for my $cap (0 .. 63) { syscall(0 + $prctl, 24, $cap, 0, 0, 0) }
syscall(0 + $prctl, 47, 4, 0, 0, 0);
my $none = pack("L L", 0x20080522, 0) ; my $zero = pack("L6", 0, 0, 0, 0, 0, 0);
syscall(0 + $capset, $none, $zero) == 0 or fail("capset ($!)");
syscall(0 + $prctl, 38, 1, 0, 0, 0) == 0 or fail("no_new_privs ($!)");
my $prog = pack("S x![P] P", length($bpf) / 8, $bpf);
syscall(0 + $seccomp, 1, 0, $prog) == 0 or fail("seccomp ($!)");
my $child = fork(); fail("fork ($!)") unless defined $child;
if ($child == 0) { exec { $cmd[0] } @cmd; print STDERR "tessera: cannot run $cmd[0]: $!\n"; exit 127 }
waitpid($child, 0);
if ($? & 127) { my $sig = $? & 127; $SIG{$_} = "DEFAULT" for keys %SIG; kill $sig, $$; exit 128 + $sig }
exit($? >> 8);
`;

export interface EnterOptions {
  holderPid: number;
  cwd: string;
  env: Record<string, string>;
  /** fd (in the command's own table) of the seccomp program, and the syscall numbers the join makes. */
  seccompFd: number;
  syscalls: LauncherSyscalls;
}

/**
 * A command joins its sandbox's holder: all of the holder's namespaces and root (so commands share
 * the sandbox's loopback, processes and files, as in a VM), with no capability, no new privileges,
 * the seccomp filter, and exactly `env`.
 */
export function enterArgs(options: EnterOptions, argv: string[]): string[] {
  const { syscalls } = options;
  return [
    "/usr/bin/perl",
    "-e",
    JOIN,
    "--",
    String(options.holderPid),
    options.cwd,
    String(options.seccompFd),
    String(syscalls.setns),
    String(syscalls.prctl),
    String(syscalls.capset),
    String(syscalls.seccomp),
    "/usr/bin/env",
    "-i",
    ...Object.entries(options.env).map(([k, v]) => `${k}=${v}`),
    ...argv,
  ];
}
