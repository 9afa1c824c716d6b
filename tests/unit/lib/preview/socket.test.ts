import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocketNoFollow, NotASocketError } from "@/lib/preview/socket";

/**
 * The sandbox can write the directory its relay socket is in (finding 3 of issue 10): whatever it
 * leaves at the socket's name, the host connects only to a socket, and never through a symlink.
 * The "host socket" here is a server in another directory standing in for one the sandbox must not
 * reach (a database, a container runtime).
 */

let dir: string;
let host: net.Server;
let hostPath: string;
let hostConnections = 0;
let relay: net.Server;
let relayPath: string;

const listen = (server: net.Server, at: string) => new Promise<void>((r) => server.listen(at, r));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tessera-socket-"));
  mkdirSync(path.join(dir, "host"));
  mkdirSync(path.join(dir, "run"));
  hostPath = path.join(dir, "host", "service.sock");
  host = net.createServer((s) => {
    hostConnections++;
    s.end("host secret");
  });
  await listen(host, hostPath);
  relayPath = path.join(dir, "run", "relay.sock");
  relay = net.createServer((s) => s.end("from the sandbox"));
  await listen(relay, relayPath);
});

afterAll(() => {
  host.close();
  relay.close();
  rmSync(dir, { recursive: true, force: true });
});

function refusal(at: string): unknown {
  try {
    connectSocketNoFollow(at).destroy();
    return undefined;
  } catch (err) {
    return err;
  }
}

const read = (socket: net.Socket) =>
  new Promise<string>((resolve, reject) => {
    let text = "";
    socket.on("data", (d) => (text += String(d)));
    socket.once("end", () => resolve(text));
    socket.once("error", reject);
  });

const openFds = () => readdirSync("/proc/self/fd").length;

describe("connectSocketNoFollow", () => {
  it("connects to a real socket, and keeps no descriptor open once connected", async () => {
    expect(await read(connectSocketNoFollow(relayPath))).toBe("from the sandbox");
    const before = openFds();
    const sockets = Array.from({ length: 20 }, () => connectSocketNoFollow(relayPath));
    await Promise.all(sockets.map(read));
    await new Promise((r) => setImmediate(r));
    // Only the connected sockets themselves, which have ended: no O_PATH descriptor is left behind.
    expect(openFds()).toBeLessThanOrEqual(before);
  });

  it("refuses a symlink to a host socket, and the host socket sees no connection", async () => {
    const planted = path.join(dir, "run", "planted.sock");
    symlinkSync(hostPath, planted);
    // The same link as a relative path, and one pointing at the relay's own real socket.
    const relative = path.join(dir, "run", "relative.sock");
    symlinkSync("../host/service.sock", relative);
    const toRelay = path.join(dir, "run", "to-relay.sock");
    symlinkSync(relayPath, toRelay);
    for (const at of [planted, relative, toRelay]) {
      const err = refusal(at);
      expect(err, at).toBeInstanceOf(NotASocketError);
      expect((err as NotASocketError).kind).toBe("symlink");
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(hostConnections).toBe(0);
  });

  it("refuses a FIFO without blocking on it", () => {
    const fifo = path.join(dir, "run", "fifo.sock");
    execFileSync("mkfifo", [fifo]);
    const err = refusal(fifo);
    expect(err).toBeInstanceOf(NotASocketError);
    expect((err as NotASocketError).kind).toBe("fifo");
  });

  it("refuses a directory and a regular file", () => {
    const directory = path.join(dir, "run", "dir.sock");
    mkdirSync(directory);
    const file = path.join(dir, "run", "file.sock");
    writeFileSync(file, "x");
    expect((refusal(directory) as NotASocketError).kind).toBe("directory");
    expect((refusal(file) as NotASocketError).kind).toBe("file");
  });

  it("reports a missing socket as the ordinary error it is", () => {
    expect((refusal(path.join(dir, "run", "missing.sock")) as NodeJS.ErrnoException).code).toBe("ENOENT");
  });
});
