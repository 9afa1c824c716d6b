import { existsSync } from "node:fs";

/**
 * The bubblewrap command line of one sandboxed process. The sandbox sees: read-only /usr (and the
 * /bin, /lib symlinks into it), a synthetic /etc with only what programs need, the template
 * read-only at /opt/template, the project read-write at /workspace, a private size-capped /tmp,
 * its own /proc and a minimal /dev. New user, pid, ipc, uts, cgroup and network namespaces
 * (loopback only), an unprivileged uid, every capability dropped, no nested user namespaces, a new
 * session (no terminal injection), and death with its parent.
 */

export const SANDBOX_UID = 1000;
export const WORKSPACE = "/workspace";
export const TEMPLATE_MOUNT = "/opt/template";

export interface BwrapMounts {
  projectDir: string;
  etcDir: string;
  templateDir?: string;
  /** Extra read-only binds: [hostPath, sandboxPath]. */
  readOnly?: [string, string][];
  /** Extra read-write binds (the registry proxy's socket): [hostPath, sandboxPath]. */
  binds?: [string, string][];
  tmpBytes: number;
}

export interface BwrapOptions {
  mounts: BwrapMounts;
  cwd?: string;
  env: Record<string, string>;
  hostname: string;
}

export const ETC_FILES = ["passwd", "group", "hosts", "nsswitch.conf", "resolv.conf"];
const HOST_ETC = ["/etc/alternatives", "/etc/ssl", "/etc/ld.so.cache", "/etc/mime.types", "/etc/fonts", "/etc/python3", "/etc/python3.11", "/etc/matplotlibrc"];

/** Host paths bound read-only when they exist: the runtime the templates use lives under /usr. */
const SYSTEM_SYMLINKS: [string, string][] = [
  ["usr/bin", "/bin"],
  ["usr/sbin", "/sbin"],
  ["usr/lib", "/lib"],
  ["usr/lib64", "/lib64"],
  ["usr/lib32", "/lib32"],
];

export function bwrapArgs(options: BwrapOptions, argv: string[]): string[] {
  const { mounts } = options;
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
    "--disable-userns",
    "--clearenv",
    "--ro-bind",
    "/usr",
    "/usr",
  ];
  for (const [target, link] of SYSTEM_SYMLINKS) {
    if (existsSync(`/${target}`)) args.push("--symlink", target, link);
  }
  // A synthetic /etc: our passwd/group/hosts, and only the host files runtimes need to work.
  args.push("--tmpfs", "/etc");
  for (const name of ETC_FILES) args.push("--ro-bind", `${mounts.etcDir}/${name}`, `/etc/${name}`);
  for (const extra of HOST_ETC) {
    if (existsSync(extra)) args.push("--ro-bind", extra, extra);
  }
  args.push("--remount-ro", "/etc");
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--size", String(mounts.tmpBytes), "--tmpfs", "/tmp");
  args.push("--dir", "/home/user");
  if (mounts.templateDir) args.push("--ro-bind", mounts.templateDir, TEMPLATE_MOUNT);
  for (const [host, target] of mounts.readOnly ?? []) args.push("--ro-bind", host, target);
  for (const [host, target] of mounts.binds ?? []) args.push("--bind", host, target);
  args.push("--bind", mounts.projectDir, WORKSPACE);
  args.push("--chdir", options.cwd ?? WORKSPACE);
  for (const [name, value] of Object.entries(options.env)) args.push("--setenv", name, value);
  args.push("--", ...argv);
  return args;
}

/**
 * A command joins its sandbox's holder: all of the holder's namespaces and root (so commands share
 * the sandbox's loopback, processes and files, as in a VM), then drops every capability the join
 * gave it and forbids gaining new ones, and starts with exactly `env`. Checked by the attack suite:
 * uid 1000, no capabilities, no new user namespaces, no mounts.
 */
export function enterArgs(holderPid: number, cwd: string, env: Record<string, string>, argv: string[]): string[] {
  return [
    "nsenter",
    `--target=${holderPid}`,
    "--user",
    "--net",
    "--mount",
    "--pid",
    "--ipc",
    "--uts",
    "--root",
    // The holder's own working directory (/workspace); nsenter resolves a named one on the host side.
    "--wd",
    "--preserve-credentials",
    "--",
    "/usr/bin/setpriv",
    "--inh-caps=-all",
    "--ambient-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
    "--",
    "/usr/bin/env",
    "-i",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...(cwd === WORKSPACE ? argv : ["/bin/sh", "-c", 'cd -- "$0" && exec "$@"', cwd, ...argv]),
  ];
}
