/**
 * The seccomp filter every sandboxed process runs under, as a classic BPF program (what bwrap's
 * `--seccomp FD` and the kernel's SECCOMP_SET_MODE_FILTER take). In the spirit of Docker's default
 * profile: the calls a build or a script never needs, and that widen the kernel's attack surface or
 * reach outside the sandbox, fail with EPERM — keyrings, eBPF, perf, userfaultfd, module and kexec
 * loading, every mount call (old and new API), namespace creation and joining, ptrace and cross-process
 * memory access, io_uring, clock setting, swap, reboot, syslog, NUMA policy, handle-based opens.
 * `clone` is refused only when it asks for a new namespace; `clone3` answers ENOSYS so libc falls back
 * to `clone`, whose flags a filter can read; `socket` is refused for address families a sandbox has no
 * use for (AF_VSOCK would reach the hypervisor, which no network namespace covers); `personality` is
 * limited to the values Docker allows. A call from another ABI (32-bit int 0x80 on x86_64, x32) kills
 * the process: its numbers are not the ones this filter checks.
 *
 * Syscall numbers are from the kernel's uapi tables (asm/unistd_64.h for x86_64, asm-generic/unistd.h
 * for arm64).
 */

export type SeccompArch = "x64" | "arm64";

interface ArchTable {
  auditArch: number;
  /** Numbers at or above this belong to another ABI on the same audit arch (x32 on x86_64). */
  foreignAbiFrom?: number;
  nr: Record<string, number>;
}

const DENIED = [
  "acct", "add_key", "bpf", "chroot", "clock_adjtime", "clock_settime", "create_module", "delete_module",
  "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms", "get_mempolicy",
  "init_module", "io_uring_enter", "io_uring_register", "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load",
  "kexec_load", "keyctl", "lookup_dcookie", "mbind", "migrate_pages", "mount", "mount_setattr", "move_mount",
  "move_pages", "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open", "pidfd_getfd",
  "pivot_root", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl",
  "quotactl_fd", "reboot", "request_key", "set_mempolicy", "set_mempolicy_home_node", "setdomainname", "sethostname",
  "setns", "settimeofday", "swapoff", "swapon", "_sysctl", "sysfs", "syslog", "umount2", "unshare", "uselib",
  "userfaultfd", "ustat", "vhangup",
] as const;

const TABLES: Record<SeccompArch, ArchTable> = {
  x64: {
    auditArch: 0xc000003e,
    foreignAbiFrom: 0x40000000,
    nr: {
      acct: 163, add_key: 248, bpf: 321, chroot: 161, clock_adjtime: 305, clock_settime: 227, create_module: 174,
      delete_module: 176, fanotify_init: 300, finit_module: 313, fsconfig: 431, fsmount: 432, fsopen: 430, fspick: 433,
      get_kernel_syms: 177, get_mempolicy: 239, init_module: 175, io_uring_enter: 426, io_uring_register: 427,
      io_uring_setup: 425, ioperm: 173, iopl: 172, kcmp: 312, kexec_file_load: 320, kexec_load: 246, keyctl: 250,
      lookup_dcookie: 212, mbind: 237, migrate_pages: 256, mount: 165, mount_setattr: 442, move_mount: 429,
      move_pages: 279, name_to_handle_at: 303, nfsservctl: 180, open_by_handle_at: 304, open_tree: 428,
      perf_event_open: 298, pidfd_getfd: 438, pivot_root: 155, process_madvise: 440, process_vm_readv: 310,
      process_vm_writev: 311, ptrace: 101, query_module: 178, quotactl: 179, quotactl_fd: 443, reboot: 169,
      request_key: 249, set_mempolicy: 238, set_mempolicy_home_node: 450, setdomainname: 171, sethostname: 170,
      setns: 308, settimeofday: 164, swapoff: 168, swapon: 167, _sysctl: 156, sysfs: 139, syslog: 103, umount2: 166,
      unshare: 272, uselib: 134, userfaultfd: 323, ustat: 136, vhangup: 153,
      clone: 56, clone3: 435, socket: 41, personality: 135, prctl: 157, seccomp: 317, capset: 126,
      prlimit64: 302, setgroups: 116, setresuid: 117, setresgid: 119,
    },
  },
  arm64: {
    auditArch: 0xc00000b7,
    nr: {
      acct: 89, add_key: 217, bpf: 280, chroot: 51, clock_adjtime: 266, clock_settime: 112, delete_module: 106,
      fanotify_init: 262, finit_module: 273, fsconfig: 431, fsmount: 432, fsopen: 430, fspick: 433, get_mempolicy: 236,
      init_module: 105, io_uring_enter: 426, io_uring_register: 427, io_uring_setup: 425, kcmp: 272,
      kexec_file_load: 294, kexec_load: 104, keyctl: 219, lookup_dcookie: 18, mbind: 235, migrate_pages: 238, mount: 40,
      mount_setattr: 442, move_mount: 429, move_pages: 239, name_to_handle_at: 264, nfsservctl: 42,
      open_by_handle_at: 265, open_tree: 428, perf_event_open: 241, pidfd_getfd: 438, pivot_root: 41,
      process_madvise: 440, process_vm_readv: 270, process_vm_writev: 271, ptrace: 117, quotactl: 60, quotactl_fd: 443,
      reboot: 142, request_key: 218, set_mempolicy: 237, set_mempolicy_home_node: 450, setdomainname: 162,
      sethostname: 161, setns: 268, settimeofday: 170, swapoff: 225, swapon: 224, syslog: 116, umount2: 39,
      unshare: 97, userfaultfd: 282, vhangup: 58,
      clone: 220, clone3: 435, socket: 198, personality: 92, prctl: 167, seccomp: 277, capset: 91,
      prlimit64: 261, setgroups: 159, setresuid: 147, setresgid: 149,
    },
  },
};

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
/** The families Docker's default profile allows; every other one (AF_VSOCK = 40 among them) is refused. */
const ALLOWED_SOCKET_FAMILIES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 21, 22, 24, 26, 27, 28, 29, 30, 31, 32, 33, 35, 36, 39, 41, 42, 43, 44, 45];
const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

const EPERM = 1;
const ENOSYS = 38;
const EAFNOSUPPORT = 97;

const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const RET_ALLOW = 0x7fff0000;

// Classic BPF opcodes.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;

// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian).
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;

type Insn = { code: number; jt: number | string; jf: number | string; k: number } | { label: string };

/** A tiny assembler: jumps name labels, resolved to the 8-bit forward offsets classic BPF wants. */
function assemble(program: Insn[]): Buffer {
  const labels = new Map<string, number>();
  const insns: Exclude<Insn, { label: string }>[] = [];
  for (const item of program) {
    if ("label" in item) labels.set(item.label, insns.length);
    else insns.push(item);
  }
  const out = Buffer.alloc(insns.length * 8);
  insns.forEach((insn, i) => {
    const offset = (target: number | string): number => {
      if (typeof target === "number") return target;
      const at = labels.get(target);
      if (at === undefined) throw new Error(`seccomp: unknown label ${target}`);
      const jump = at - i - 1;
      if (jump < 0 || jump > 255) throw new Error(`seccomp: jump to ${target} out of range (${jump})`);
      return jump;
    };
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(offset(insn.jt), i * 8 + 2);
    out.writeUInt8(offset(insn.jf), i * 8 + 3);
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return out;
}

const load = (offset: number): Insn => ({ code: LD_W_ABS, jt: 0, jf: 0, k: offset });
const jumpIfEqual = (k: number, to: string): Insn => ({ code: JEQ_K, jt: to, jf: 0, k });
const ret = (k: number): Insn => ({ code: RET_K, jt: 0, jf: 0, k });

export function seccompArch(arch: string = process.arch): SeccompArch | undefined {
  return arch === "x64" || arch === "arm64" ? arch : undefined;
}

/** The filter for `arch`, ready for bwrap's --seccomp or SECCOMP_SET_MODE_FILTER. */
export function seccompFilter(arch: SeccompArch): Buffer {
  const table = TABLES[arch];
  const nr = (name: string) => table.nr[name];
  const program: Insn[] = [
    load(OFFSET_ARCH),
    { code: JEQ_K, jt: 1, jf: 0, k: table.auditArch },
    ret(RET_KILL_PROCESS),
    load(OFFSET_NR),
  ];
  if (table.foreignAbiFrom !== undefined) program.push({ code: JGE_K, jt: "kill", jf: 0, k: table.foreignAbiFrom });
  for (const name of DENIED) {
    const n = nr(name);
    if (n !== undefined) program.push(jumpIfEqual(n, "eperm"));
  }
  program.push(
    jumpIfEqual(nr("clone")!, "clone"),
    jumpIfEqual(nr("clone3")!, "enosys"),
    jumpIfEqual(nr("socket")!, "socket"),
    jumpIfEqual(nr("personality")!, "personality"),
    ret(RET_ALLOW),
    { label: "kill" },
    ret(RET_KILL_PROCESS),
    { label: "eperm" },
    ret(RET_ERRNO | EPERM),
    { label: "enosys" },
    ret(RET_ERRNO | ENOSYS),
    { label: "clone" },
    load(OFFSET_ARG0_LOW),
    { code: JSET_K, jt: 0, jf: 1, k: CLONE_NAMESPACE_FLAGS },
    ret(RET_ERRNO | EPERM),
    ret(RET_ALLOW),
    { label: "socket" },
    load(OFFSET_ARG0_LOW),
    ...ALLOWED_SOCKET_FAMILIES.map((family) => jumpIfEqual(family, "allow")),
    ret(RET_ERRNO | EAFNOSUPPORT),
    { label: "personality" },
    load(OFFSET_ARG0_LOW),
    ...ALLOWED_PERSONALITIES.map((value) => jumpIfEqual(value, "allow")),
    ret(RET_ERRNO | EPERM),
    { label: "allow" },
    ret(RET_ALLOW),
  );
  return assemble(program);
}

export interface LauncherSyscalls {
  setns: number;
  prctl: number;
  capset: number;
  seccomp: number;
  prlimit: number;
  setgroups: number;
  setresuid: number;
  setresgid: number;
}

/** The numbers the launcher that joins a command to its sandbox calls directly. */
export function launcherSyscalls(arch: SeccompArch): LauncherSyscalls {
  const table = TABLES[arch].nr;
  return {
    setns: table.setns!,
    prctl: table.prctl!,
    capset: table.capset!,
    seccomp: table.seccomp!,
    prlimit: table.prlimit64!,
    setgroups: table.setgroups!,
    setresuid: table.setresuid!,
    setresgid: table.setresgid!,
  };
}

/** Names the filter refuses (for tests and SECURITY.md). */
export const SECCOMP_DENIED: readonly string[] = DENIED;

/** A syscall's number on `arch`, for tests that make the raw call (undefined where it does not exist). */
export function syscallNumber(arch: SeccompArch, name: string): number | undefined {
  return TABLES[arch].nr[name];
}
