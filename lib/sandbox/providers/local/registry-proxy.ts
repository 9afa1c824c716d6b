import { execFile } from "node:child_process";
import net from "node:net";

/**
 * The only way out of a sandbox: during a dependency-install step, a CONNECT-only proxy on a unix
 * socket that admits the package registries the host's npm and pip are configured with, read from
 * their configuration at run time. Anything else is refused and reported as a violation.
 */

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, (err, stdout) => resolve(err ? "" : String(stdout)));
  });
}

function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url.trim().replace(/^['"]|['"]$/g, ""));
    return u.protocol === "https:" || u.protocol === "http:" ? u.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

let cached: Promise<Set<string>> | undefined;

/** Registry hosts from `npm config` (registry and @scope:registry) and `pip config` (index URLs). */
export function registryHosts(): Promise<Set<string>> {
  cached ??= (async () => {
    const hosts = new Set<string>();
    const npm = await run("npm", ["config", "list", "--json"]);
    try {
      for (const [key, value] of Object.entries(JSON.parse(npm) as Record<string, unknown>)) {
        if ((key === "registry" || key.endsWith(":registry")) && typeof value === "string") {
          const host = hostOf(value);
          if (host) hosts.add(host);
        }
      }
    } catch {
      // npm missing or its output unreadable: no npm registry admitted
    }
    const pip = await run("pip", ["config", "list"]);
    for (const line of pip.split("\n")) {
      const m = /^[\w:.-]*(index-url|extra-index-url)\s*=\s*(.+)$/.exec(line.trim());
      if (!m) continue;
      for (const url of m[2]!.replace(/^'|'$/g, "").split(/\s+/)) {
        const host = hostOf(url);
        if (host) hosts.add(host);
      }
    }
    if (!pip.includes("index-url")) hosts.add("pypi.org").add("files.pythonhosted.org");
    return hosts;
  })();
  return cached;
}

export interface RegistryProxy {
  close(): Promise<void>;
}

export function startRegistryProxy(socketPath: string, allowed: Set<string>, onViolation: (target: string) => void): Promise<RegistryProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) {
        if (head.length > 8192) client.destroy();
        return;
      }
      client.off("data", onData);
      const [method, target] = head.slice(0, head.indexOf("\r\n")).split(" ");
      const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(target ?? "");
      const host = match?.[1]?.toLowerCase();
      const port = Number(match?.[2]);
      if (method !== "CONNECT" || !host || !allowed.has(host) || port !== 443) {
        onViolation(`${method ?? "?"} ${(target ?? "").slice(0, 200)}`);
        client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const upstream = net.connect(port, host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        const rest = Buffer.from(head.slice(end + 4), "latin1");
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"));
    };
    client.on("data", onData);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
