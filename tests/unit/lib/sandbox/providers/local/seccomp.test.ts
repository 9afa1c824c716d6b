import { describe, expect, it } from "vitest";
import { SECCOMP_DENIED, seccompFilter, syscallNumber, type SeccompArch } from "@/lib/sandbox/providers/local/seccomp";

/**
 * The filter's decisions, computed by running the program itself: a classic-BPF interpreter for the
 * opcodes a seccomp filter uses, over seccomp_data built per call. The integration suite proves the
 * kernel applies it; this proves what it says for every input, including ABIs this machine lacks.
 */

const AUDIT = { x64: 0xc000003e, arm64: 0xc00000b7, i386: 0x40000003 };
const KILL_PROCESS = 0x80000000;
const ALLOW = 0x7fff0000;
const errno = (n: number) => 0x00050000 | n;

function run(program: Buffer, input: { arch: number; nr: number; args?: number[] }): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(input.nr, 0);
  data.writeUInt32LE(input.arch, 4);
  (input.args ?? []).forEach((a, i) => data.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 16 + 8 * i));
  let acc = 0;
  for (let pc = 0, steps = 0; steps < 10_000; steps++) {
    if (pc * 8 >= program.length) throw new Error("fell off the end of the program");
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    switch (code) {
      case 0x20: // ld [k]
        acc = data.readUInt32LE(k);
        pc++;
        break;
      case 0x15: // jeq #k
        pc += 1 + (acc === k ? jt : jf);
        break;
      case 0x35: // jge #k
        pc += 1 + (acc >= k ? jt : jf);
        break;
      case 0x45: // jset #k
        pc += 1 + ((acc & k) !== 0 ? jt : jf);
        break;
      case 0x06: // ret #k
        return k >>> 0;
      default:
        throw new Error(`unexpected opcode 0x${code.toString(16)}`);
    }
  }
  throw new Error("did not return");
}

const FAMILY = { unix: 1, inet: 2, inet6: 10, netlink: 16, packet: 17, alg: 38, vsock: 40 };

describe.each(["x64", "arm64"] as SeccompArch[])("seccomp filter (%s)", (arch) => {
  const program = seccompFilter(arch);
  const call = (name: string, args: number[] = []) => run(program, { arch: AUDIT[arch], nr: syscallNumber(arch, name)!, args });

  it("is a valid classic BPF program the kernel will take (under 4096 instructions, 8 bytes each)", () => {
    expect(program.length % 8).toBe(0);
    expect(program.length / 8).toBeLessThan(256);
  });

  it("refuses every call on the list with EPERM", () => {
    const present = SECCOMP_DENIED.filter((name) => syscallNumber(arch, name) !== undefined);
    expect(present.length).toBeGreaterThan(50);
    for (const name of present) expect(call(name), name).toBe(errno(1));
  });

  it("allows what builds and scripts use", () => {
    const nr: Record<SeccompArch, Record<string, number>> = {
      x64: { read: 0, write: 1, close: 3, mmap: 9, mprotect: 10, ioctl: 16, pipe2: 293, fork: 57, vfork: 58, execve: 59, wait4: 61, kill: 62, futex: 202, openat: 257, getdents64: 217, statx: 332, epoll_wait: 232, connect: 42, accept4: 288, bind: 49, listen: 50, rseq: 334, prlimit64: 302 },
      arm64: { read: 63, write: 64, close: 57, mmap: 222, mprotect: 226, ioctl: 29, pipe2: 59, execve: 221, wait4: 260, kill: 129, futex: 98, openat: 56, getdents64: 61, statx: 291, epoll_pwait: 22, connect: 203, accept4: 242, bind: 200, listen: 201, rseq: 293, prlimit64: 261 },
    };
    for (const [name, n] of Object.entries(nr[arch])) expect(run(program, { arch: AUDIT[arch], nr: n }), name).toBe(ALLOW);
  });

  it("refuses clone only when it asks for a namespace, and answers clone3 with ENOSYS", () => {
    expect(call("clone", [17])).toBe(ALLOW); // fork: SIGCHLD
    expect(call("clone", [0x003d0f00])).toBe(ALLOW); // pthread_create's flags
    for (const flag of [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000]) {
      expect(call("clone", [flag | 17]), `flag 0x${flag.toString(16)}`).toBe(errno(1));
    }
    expect(call("clone3")).toBe(errno(38));
  });

  it("refuses socket families a sandbox has no use for", () => {
    for (const family of [FAMILY.unix, FAMILY.inet, FAMILY.inet6, FAMILY.netlink]) expect(call("socket", [family, 1, 0])).toBe(ALLOW);
    for (const family of [FAMILY.alg, FAMILY.vsock, 12, 46, 1000]) expect(call("socket", [family, 1, 0]), `family ${family}`).toBe(errno(97));
  });

  it("limits personality to Docker's values", () => {
    for (const value of [0, 8, 0x20000, 0x20008, 0xffffffff]) expect(call("personality", [value])).toBe(ALLOW);
    expect(call("personality", [0x0040000])).toBe(errno(1)); // ADDR_NO_RANDOMIZE
  });

  it("kills a call from any other audit arch (32-bit entry, a foreign ABI)", () => {
    const foreign = arch === "x64" ? AUDIT.arm64 : AUDIT.x64;
    for (const other of [AUDIT.i386, foreign, 0]) expect(run(program, { arch: other, nr: 20 })).toBe(KILL_PROCESS);
  });

  it.runIf(arch === "x64")("kills x32 syscall numbers", () => {
    expect(run(program, { arch: AUDIT.x64, nr: 0x40000000 | 39 })).toBe(KILL_PROCESS);
    expect(run(program, { arch: AUDIT.x64, nr: 0x40000000 | 157 })).toBe(KILL_PROCESS);
  });
});
