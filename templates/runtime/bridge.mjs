// Runs inside the sandbox for a dependency-install step: listens on 127.0.0.1:3128 (the only
// network a sandbox has is its own loopback) and relays each connection to the host's registry
// proxy through the unix socket bind-mounted at /run/tessera/proxy.sock. Then runs the command and
// exits with its status.
import { spawn } from "node:child_process";
import net from "node:net";

const argv = process.argv.slice(2);
const server = net.createServer((client) => {
  const upstream = net.connect("/run/tessera/proxy.sock");
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
});
server.listen(3128, "127.0.0.1", () => {
  const child = spawn(argv[0], argv.slice(1), { stdio: "inherit" });
  child.on("error", (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
});
