import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * Which host uid a sandbox runs as. bwrap maps the sandbox's user (uid 1000 inside) to the uid that
 * started it, so a server running as root would hand every sandbox host root: files the sandbox
 * writes are root's, a write to a root-owned /proc/sys file passes its permission check, and one
 * mistake anywhere else is a root shell. Started by root, each sandbox therefore drops to a host
 * uid and gid of its own, from a range no account uses, before bwrap creates its namespaces: host
 * root is then unmapped inside (it shows as the overflow uid 65534), and sandboxes are apart even at
 * the host's level (their processes cannot signal each other, and RLIMIT_NPROC counts per sandbox).
 * Started by anyone else, the sandbox runs as that user — the only unprivileged uid there is.
 */

/** First uid of the range; 2^24 uids from here, far above any login or subordinate-id range. */
export const SANDBOX_UID_BASE = 0x60000000;
const RANGE = 1 << 24;

export interface HostIdentity {
  uid: number;
  gid: number;
  /** Whether the launcher must switch to this identity (the server runs as root). */
  switchTo: boolean;
}

const inUse = new Set<number>();

function usedByAccounts(): Set<number> {
  const ids = new Set<number>();
  for (const file of ["/etc/passwd", "/etc/group"]) {
    try {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        const id = Number(line.split(":")[2]);
        if (Number.isInteger(id)) ids.add(id);
      }
    } catch {
      // unreadable: the range is far from any account anyway
    }
  }
  return ids;
}

/** A fresh identity for a new sandbox; release it when the sandbox is gone. */
export function allocateIdentity(): HostIdentity {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? uid, switchTo: false };
  const taken = usedByAccounts();
  for (let attempt = 0; attempt < 64; attempt++) {
    const id = SANDBOX_UID_BASE + randomInt(RANGE);
    if (inUse.has(id) || taken.has(id)) continue;
    inUse.add(id);
    return { uid: id, gid: id, switchTo: true };
  }
  throw new Error("no free sandbox uid");
}

export function releaseIdentity(identity: HostIdentity): void {
  if (identity.switchTo) inUse.delete(identity.uid);
}

/** The launcher prefix that drops root to the sandbox's identity (nothing when not root). */
export function dropTo(identity: HostIdentity): string[] {
  if (!identity.switchTo) return [];
  return ["/usr/bin/setpriv", `--reuid=${identity.uid}`, `--regid=${identity.gid}`, "--clear-groups", "--"];
}
