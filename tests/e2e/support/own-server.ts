import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

/**
 * A Tessera server this spec starts, stops and kills itself (scripts/serve.ts on the production
 * build, local mode): for what only a restart can show — that a project survives one, and that
 * a crash in the middle of a save leaves the database whole.
 */

export interface OwnServer {
  url: string;
  dataDir: string;
  start(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  readonly pid: number | undefined;
  /** What the server has printed so far (its start-up summary goes to stdout). */
  output(): string;
}

export function ownServer(options: { port: number; name: string; databaseUrl?: string; env?: Record<string, string> }): OwnServer {
  const dataDir = path.join(process.cwd(), ".data", `e2e-${options.name}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | undefined;

  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("exit", () => resolve())));

  return {
    url,
    dataDir,
    get pid() {
      return child?.pid;
    },
    output: () => readFileSync(path.join(dataDir, "server.log"), "utf8"),
    async start() {
      const log = openSync(path.join(dataDir, "server.log"), "a");
      child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
        cwd: process.cwd(),
        stdio: ["ignore", log, log],
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          HOSTNAME: "127.0.0.1",
          PORT: String(options.port),
          DATA_DIR: path.join(dataDir, "data"),
          LOG_LEVEL: "info",
          RATE_LIMIT_SCALE: "10",
          ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
          ...options.env,
        },
      });
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}; see ${dataDir}/server.log`);
        try {
          const res = await fetch(`${url}/api/health`);
          if (res.status < 500) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`the server did not answer within 90 s; see ${dataDir}/server.log`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      if (!child) return;
      const c = child;
      c.kill("SIGTERM");
      await exited(c);
    },
    async kill() {
      if (!child) return;
      const c = child;
      c.kill("SIGKILL");
      await exited(c);
    },
  };
}
