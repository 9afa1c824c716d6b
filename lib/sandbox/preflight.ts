import "server-only";
import { execFile } from "node:child_process";

export interface SandboxPreflight {
  ok: boolean;
  /** What is wrong and how to fix it, written for the operator. */
  problem?: string;
}

let cached: { at: number; result: Promise<SandboxPreflight> } | undefined;

/**
 * Can the local provider start a sandbox here? It needs bubblewrap and unprivileged user
 * namespaces; checked by actually creating one, because either can be missing or refused.
 */
export function localSandboxPreflight(maxAgeMs = 30_000): Promise<SandboxPreflight> {
  if (cached && Date.now() - cached.at < maxAgeMs) return cached.result;
  const result = new Promise<SandboxPreflight>((resolve) => {
    execFile(
      "bwrap",
      ["--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--", "/usr/bin/true"],
      { timeout: 5_000, env: { PATH: "/usr/local/bin:/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv },
      (error: Error | null) => {
        if (!error) return resolve({ ok: true });
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return resolve({ ok: false, problem: "bubblewrap is not installed: run `sudo apt-get install bubblewrap`, or configure E2B." });
        }
        resolve({
          ok: false,
          problem: "bubblewrap could not create a sandbox (user namespaces refused?): enable unprivileged user namespaces, or configure E2B.",
        });
      },
    );
  });
  cached = { at: Date.now(), result };
  return result;
}
