// Runs inside the sandbox: lets the host reach a server listening on the sandbox's own loopback.
// Listens on a unix socket in /run/tessera (bind-mounted from the host) and relays each connection
// to 127.0.0.1:<port>. The sandbox keeps no network; the host connects to the socket file.
//   node port-relay.mjs /run/tessera/port-<port>.sock <port>
import { rmSync } from "node:fs";
import net from "node:net";
import { pipeBoth } from "./pipe.mjs";

const [socket, port] = process.argv.slice(2);
rmSync(socket, { force: true });
net
  .createServer((client) => {
    pipeBoth(client, net.connect(Number(port), "127.0.0.1"));
  })
  .listen(socket);
