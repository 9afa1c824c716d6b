import { closeSync, constants, fstatSync, openSync, type Stats } from "node:fs";
import net from "node:net";

/**
 * Connecting to a socket a sandbox can name. The sandbox writes the directory its relay socket
 * lives in, so by the time the host connects the socket may have been replaced with a symlink to a
 * host socket (a database, a container runtime): connecting by path would follow it. Instead the
 * path is opened with O_PATH | O_NOFOLLOW, which yields a descriptor for the last component itself
 * (the symlink, if it is one) without opening it for I/O or blocking on a FIFO; the descriptor is
 * checked to be a socket and the connection goes through /proc/self/fd/<fd>, which names exactly
 * that inode whatever the path says by then. Only the last component is the sandbox's to change;
 * the directories above it are the host's.
 */

/** Linux's O_PATH (Node's fs.constants does not have it; the value is the same on x64 and arm64). */
const O_PATH = 0o10000000;

/** The path names something that is not a socket; `kind` says what, for the security event. */
export class NotASocketError extends Error {
  constructor(readonly kind: string) {
    super(`not a socket (${kind})`);
    this.name = "NotASocketError";
  }
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isFIFO()) return "fifo";
  if (stats.isDirectory()) return "directory";
  if (stats.isFile()) return "file";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "device";
  return "other";
}

/**
 * A connecting socket to the unix socket at `socketPath`, never through a symlink. Throws
 * NotASocketError for anything that is not a socket (ENOENT and the like pass through as they are).
 */
export function connectSocketNoFollow(socketPath: string): net.Socket {
  // libuv adds O_CLOEXEC to every open: the descriptor never leaks into a child process.
  const fd = openSync(socketPath, O_PATH | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    if (!stats.isSocket()) throw new NotASocketError(kindOf(stats));
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const socket = net.connect(`/proc/self/fd/${fd}`);
  let open = true;
  // connect(2) has resolved the descriptor by the time either event fires; it is no longer needed.
  const release = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  socket.once("connect", release).once("error", release).once("close", release);
  return socket;
}
