import type { LauncherSyscalls } from "./seccomp";

/**
 * How a command enters its sandbox: one Perl process (always there — Debian's perl-base is
 * essential; it starts in a few milliseconds, makes raw syscalls, and reads nothing from its
 * environment), spawned by the server, doing in order what a chain of tools did before, with fewer
 * execs on every command's path and what those tools could not:
 *
 * 1. join the command's cgroups (it is still the server's user, so it may);
 * 2. set its rlimits (CPU time, open files, file size, no core dumps; without cgroups also the
 *    process count and address space);
 * 3. drop to the sandbox's host uid and gid, with no supplementary groups, when the server is root;
 * 4. enter the holder's user namespace (that uid owns it), then ipc, uts, net, pid and mount, and
 *    the holder's root and the working directory;
 * 5. empty the bounding set, the ambient set and every capability — possible only here, holding the
 *    namespace's capabilities; after an exec as uid 1000 they are gone, and with them the right to
 *    drop the bounding set — then forbid new privileges and install the seccomp filter;
 * 6. fork (the pid namespace applies to children) and exec the command with exactly its
 *    environment; wait for it and end the way it ended.
 */
const SCRIPT = `
use strict;
my ($setns, $prctl, $capset, $seccomp, $prlimit, $setgroups, $setresuid, $setresgid) = splice(@ARGV, 0, 8);
sub fail { print STDERR "tessera: cannot join the sandbox: $_[0]\\n"; exit 125 }
my $groups = shift @ARGV;
for (1 .. $groups) { my $f = shift @ARGV; open(my $g, ">>", $f) or fail("cgroup ($!)"); print $g "$$\\n" or fail("cgroup ($!)"); close $g or fail("cgroup ($!)") }
my $limits = shift @ARGV;
for (1 .. $limits) {
  my ($res, $soft, $hard) = splice(@ARGV, 0, 3);
  my $limit = pack("Q Q", $soft, $hard);
  syscall(0 + $prlimit, 0, 0 + $res, $limit, 0) == 0 or fail("rlimit $res ($!)");
}
my ($uid, $gid) = splice(@ARGV, 0, 2);
if ($uid ne "-") {
  syscall(0 + $setgroups, 0, 0) == 0 or fail("setgroups ($!)");
  syscall(0 + $setresgid, 0 + $gid, 0 + $gid, 0 + $gid) == 0 or fail("setresgid ($!)");
  syscall(0 + $setresuid, 0 + $uid, 0 + $uid, 0 + $uid) == 0 or fail("setresuid ($!)");
}
my ($pid, $cwd, $fd) = splice(@ARGV, 0, 3);
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
# syscall() may write into string arguments, so each buffer is a variable of its own.
my ($header, $sets) = (pack("L L", 0x20080522, 0), pack("L6", 0, 0, 0, 0, 0, 0));
syscall(0 + $capset, $header, $sets) == 0 or fail("capset ($!)");
syscall(0 + $prctl, 38, 1, 0, 0, 0) == 0 or fail("no_new_privs ($!)");
my $prog = pack("S x![P] P", length($bpf) / 8, $bpf);
syscall(0 + $seccomp, 1, 0, $prog) == 0 or fail("seccomp ($!)");
my $vars = shift @ARGV;
my %env = map { split(/=/, $_, 2) } splice(@ARGV, 0, $vars);
my @cmd = @ARGV;
my $child = fork(); fail("fork ($!)") unless defined $child;
if ($child == 0) { %ENV = %env; exec { $cmd[0] } @cmd; print STDERR "tessera: cannot run $cmd[0]: $!\\n"; exit 127 }
waitpid($child, 0);
if ($? & 127) { my $sig = $? & 127; $SIG{$_} = "DEFAULT" for keys %SIG; kill $sig, $$; exit 128 + $sig }
exit($? >> 8);
`;

/** setrlimit resources (the same numbers on x86_64 and arm64). */
export const RLIMIT = { CPU: 0, FSIZE: 1, CORE: 4, NPROC: 6, NOFILE: 7, AS: 9 } as const;

export interface JoinOptions {
  syscalls: LauncherSyscalls;
  /** cgroup.procs files to write this process into, before anything else. */
  cgroups: string[];
  limits: [resource: number, soft: number, hard: number][];
  /** The sandbox's host identity to drop to (when the server is root). */
  identity?: { uid: number; gid: number };
  holderPid: number;
  cwd: string;
  /** fd (in the launcher's own table) of the seccomp program. */
  seccompFd: number;
  env: Record<string, string>;
}

/** The launcher's command line (spawn it with an environment of PATH only, from "/"). */
export function joinArgs(options: JoinOptions, argv: string[]): string[] {
  const s = options.syscalls;
  const env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  return [
    "/usr/bin/perl",
    "-e",
    SCRIPT,
    "--",
    ...[s.setns, s.prctl, s.capset, s.seccomp, s.prlimit, s.setgroups, s.setresuid, s.setresgid].map(String),
    String(options.cgroups.length),
    ...options.cgroups,
    String(options.limits.length),
    ...options.limits.flatMap(([resource, soft, hard]) => [String(resource), String(soft), String(hard)]),
    options.identity ? String(options.identity.uid) : "-",
    options.identity ? String(options.identity.gid) : "-",
    String(options.holderPid),
    options.cwd,
    String(options.seccompFd),
    String(env.length),
    ...env,
    ...argv,
  ];
}
