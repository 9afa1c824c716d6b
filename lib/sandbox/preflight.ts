import "server-only";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { allocateIdentity, dropTo, releaseIdentity } from "./providers/local/host-identity";

export interface SandboxPreflight {
  ok: boolean;
  /** What is wrong and how to fix it, written for the operator. */
  problem?: string;
}

let cached: { at: number; result: Promise<SandboxPreflight> } | undefined;

/**
 * Can the local provider start a sandbox here? It needs bubblewrap, util-linux's prlimit and
 * setpriv, Perl (which joins commands to a sandbox), and user namespaces for an unprivileged user —
 * the sandbox's own uid when the server is root, which some systems refuse even where root may
 * (Debian's unprivileged_userns_clone, Ubuntu's AppArmor restriction). Checked by actually creating
 * one the way the provider does, because any of these can be missing or refused.
 */
export function localSandboxPreflight(maxAgeMs = 30_000): Promise<SandboxPreflight> {
  if (cached && Date.now() - cached.at < maxAgeMs) return cached.result;
  const result = new Promise<SandboxPreflight>((resolve) => {
    for (const [tool, pkg] of [["/usr/bin/perl", "perl-base"], ["/usr/bin/prlimit", "util-linux"], ["/usr/bin/setpriv", "util-linux"]] as const) {
      if (!existsSync(tool)) return resolve({ ok: false, problem: `${tool} is missing: run \`sudo apt-get install ${pkg}\`, or configure E2B.` });
    }
    const identity = allocateIdentity();
    const probe = [...dropTo(identity), "bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--tmpfs", "/dev", "--", "/usr/bin/true"];
    execFile(
      probe[0]!,
      probe.slice(1),
      { timeout: 5_000, cwd: "/", env: { PATH: "/usr/local/bin:/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv },
      (error: Error | null) => {
        releaseIdentity(identity);
        if (!error) return resolve({ ok: true });
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return resolve({ ok: false, problem: "bubblewrap is not installed: run `sudo apt-get install bubblewrap`, or configure E2B." });
        }
        resolve({
          ok: false,
          problem: "bubblewrap could not create a sandbox as an unprivileged user (user namespaces refused?): enable unprivileged user namespaces (kernel.unprivileged_userns_clone=1, or on Ubuntu an AppArmor profile allowing bwrap), or configure E2B.",
        });
      },
    );
  });
  cached = { at: Date.now(), result };
  return result;
}
