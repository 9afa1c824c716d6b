import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Whether a command runs here; suites that need it skip with a message saying what to install. */
export function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const hasBwrap = available("bwrap", ["--version"]);

/**
 * A temp directory for a local provider's host state. Sandboxes started by root run as their own
 * uids and must be able to traverse it (mkdtemp makes it 0700).
 */
export function sandboxTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
