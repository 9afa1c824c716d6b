import { rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { respondPreview } from "@/lib/preview/relay";
import { PreviewStore } from "@/lib/preview/store";
import { LocalSandboxProvider } from "@/lib/sandbox/providers/local/provider";
import type { Sandbox } from "@/lib/sandbox/types";
import { captureLogs } from "../../support/logs";
import { hasBwrap, sandboxTempDir } from "../../support/sandbox";

/**
 * Finding 3 of issue 10, attempted from inside a real sandbox: code replaces its preview's relay
 * socket with a symlink to a host socket (a service listening on the host, standing in for a
 * database or a container runtime), then the preview is requested. The host must never connect to
 * it. The sandbox may write only its relays' own directory (/run/tessera/ports), so that is where
 * it plants the link; the host must refuse to follow it.
 */

const ROOT = path.resolve(import.meta.dirname, "../../..");
const APP = "http://127.0.0.1:3000";

const SERVER = `import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"from the sandbox")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 8126), H).serve_forever()
`;

describe.skipIf(!hasBwrap)("a sandbox replacing its relay socket with a symlink", () => {
  let dir: string;
  let provider: LocalSandboxProvider;
  let sandbox: Sandbox;
  let host: http.Server;
  let hostSocket: string;
  let hostRequests = 0;
  const store = new PreviewStore();

  beforeAll(async () => {
    dir = sandboxTempDir("tessera-relay-sandbox-");
    hostSocket = path.join(dir, "host-service.sock");
    host = http.createServer((_req, res) => {
      hostRequests++;
      res.end("host secret");
    });
    await new Promise<void>((r) => host.listen(hostSocket, r));
    provider = new LocalSandboxProvider({
      rootDir: path.join(dir, "sandboxes"),
      templatesDir: path.join(ROOT, "templates"),
      previewUrl: async (info, _port, socket) => `/preview/${store.publishServer(info, socket).token}/`,
    });
    sandbox = await provider.create({ template: "python", ownerId: "alice", projectId: "sym" });
  });

  afterAll(async () => {
    await provider?.shutdown();
    host?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the host never follows it to a host socket: 502 and a sandbox.violation", async () => {
    await sandbox.files.write("server.py", SERVER);
    await sandbox.commands.start(["/usr/bin/python3", "server.py"]);
    const url = await sandbox.preview(8126);
    const token = /^\/preview\/([A-Za-z0-9_-]{43})\/$/.exec(url)![1]!;
    const ask = () => respondPreview(store, token, "", new Request(`${APP}/preview/${token}/`), APP);
    let first: Response | undefined;
    for (let i = 0; i < 50; i++) {
      first = await ask();
      if (first.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await first!.text()).toBe("from the sandbox");

    const logs = captureLogs();
    const planted = await sandbox.commands.run(["/bin/sh", "-c", `rm -f /run/tessera/ports/port-8126.sock && ln -s ${hostSocket} /run/tessera/ports/port-8126.sock`]);
    expect(planted.exitCode).toBe(0);
    const res = await ask();
    expect(await res.text()).not.toContain("host secret");
    expect(hostRequests).toBe(0);
    expect(res.status).toBe(502);
    expect(logs.lines).toContainEqual(expect.objectContaining({ event: "sandbox.violation", kind: "symlink", sandboxId: sandbox.info.id }));
  });
});
