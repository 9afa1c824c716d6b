import { execFileSync } from "node:child_process";

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
