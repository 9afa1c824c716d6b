// Runs inside the sandbox for a dependency-install step: listens on a free loopback port (the only
// network a sandbox has is its own loopback, shared by all its commands) and relays each
// connection to the host's registry proxy through the unix socket given as the first argument (in
// /run/tessera, bind-mounted from the host). Then runs the command with the proxy variables set
// to that port, and exits with its status.
//   node bridge.mjs /run/tessera/proxy-<id>.sock <command> [args…]
import { spawn } from "node:child_process";
import net from "node:net";
import { pipeBoth } from "./pipe.mjs";

const [socket, ...argv] = process.argv.slice(2);
const server = net.createServer((client) => {
  pipeBoth(client, net.connect(socket));
});
server.listen(0, "127.0.0.1", () => {
  const proxy = `http://127.0.0.1:${server.address().port}`;
  const env = { ...process.env, HTTPS_PROXY: proxy, HTTP_PROXY: proxy, https_proxy: proxy, http_proxy: proxy };
  const child = spawn(argv[0], argv.slice(1), { stdio: "inherit", env });
  child.on("error", (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    server.close();
    process.exit(code ?? (signal ? 128 : 1));
  });
});
