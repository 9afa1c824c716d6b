import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportVersionZip, type ExportInput } from "@/lib/export";
import { chunksOf, concat, exampleInput } from "../../unit/lib/export/support";

/**
 * An export is only useful if its README is true. Each example is exported, unzipped into a
 * temporary folder and run with the commands its README gives, using ordinary tools only: npm and
 * Vite from the public registry for React and Vue, python3 for Python. Nothing from Tessera's own
 * node_modules or templates is on the path.
 */

const run = promisify(execFile);
const NPM_TIMEOUT = 120_000;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tessera-export-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Unzips the streamed archive into `dir` and returns its one top folder. */
async function extract(input: ExportInput): Promise<string> {
  const entries = unzipSync(concat(await chunksOf(exportVersionZip(input))));
  const tops = new Set(Object.keys(entries).map((name) => name.split("/")[0]));
  expect(tops.size).toBe(1);
  for (const [name, data] of Object.entries(entries)) {
    const target = path.join(dir, name);
    expect(target.startsWith(`${dir}${path.sep}`)).toBe(true);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return path.join(dir, [...tops][0] ?? "");
}

/** The lines of the README's first shell block, comments dropped: the commands it tells you to run. */
function readmeCommands(folder: string): string[] {
  const readme = readFileSync(path.join(folder, "README.md"), "utf8");
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

async function sh(folder: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd: folder, env, timeout: NPM_TIMEOUT, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${folder}:\n${stdout}\n${stderr}`);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm run dev` as the README says, until Vite prints its address; then fetches from it. */
async function withDevServer<T>(folder: string, visit: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = spawn("npm", ["run", "dev", "--", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: folder,
    detached: true, // its own process group, so npm and the Vite under it stop together
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Vite printed no address:\n${output}`)), 30_000);
      const onData = (data: Buffer) => {
        output += data.toString();
        // Vite colours its output.
        const found = /Local:\s+(http:\/\/\S+)/.exec(output.replace(/\u001b\[[0-9;]*m/g, ""));
        if (found?.[1]) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("exit", (code) => reject(new Error(`npm run dev exited (${code}):\n${output}`)));
    });
    return await visit(url);
  } finally {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
  }
}

function readDist(folder: string, ext: string): string {
  const assets = path.join(folder, "dist/assets");
  return readdirSync(assets)
    .filter((f) => f.endsWith(ext))
    .map((f) => readFileSync(path.join(assets, f), "utf8"))
    .join("\n");
}

describe("an exported React project runs with npm and Vite", () => {
  let folder: string;

  it(
    "installs and builds, with the app and its Tailwind classes in the output",
    async () => {
      folder = await extract(exampleInput("react-todo", 3));
      expect(readmeCommands(folder)).toEqual(["npm install", "npm run dev"]);
      await sh(folder, "npm", ["install", "--no-audit", "--no-fund"]);
      await sh(folder, "npm", ["run", "build"]);
      expect(existsSync(path.join(folder, "dist/index.html"))).toBe(true);
      const js = readDist(folder, ".js");
      expect(js).toContain("Sketch the landing page");
      expect(js).toContain("Write the onboarding emails");
      // Utility classes the app uses in className: Tailwind reached the build with no setup.
      const css = readDist(folder, ".css");
      expect(css).toContain(".from-indigo-500");
      expect(css).toContain(".rounded-2xl");
    },
    NPM_TIMEOUT,
  );

  it(
    "serves with npm run dev and type-checks with npm run typecheck",
    async () => {
      const page = await withDevServer(folder, async (url) => {
        const html = await (await fetch(url)).text();
        const app = await (await fetch(new URL("src/App.tsx", url))).text();
        return { html, app };
      });
      expect(page.html).toContain('<div id="root"></div>');
      expect(page.html).toContain('src="/src/main.tsx"');
      expect(page.app).toContain("Sketch the landing page");
      await sh(folder, "npm", ["run", "typecheck"]);
    },
    60_000,
  );
});

describe("an exported Vue project runs with npm and Vite", () => {
  it(
    "installs and builds",
    async () => {
      const folder = await extract(exampleInput("vue-pomodoro", 1));
      expect(readmeCommands(folder)).toEqual(["npm install", "npm run dev"]);
      await sh(folder, "npm", ["install", "--no-audit", "--no-fund"]);
      await sh(folder, "npm", ["run", "build"]);
      expect(existsSync(path.join(folder, "dist/index.html"))).toBe(true);
      expect(readDist(folder, ".js")).toContain("Short break");
    },
    NPM_TIMEOUT,
  );
});

/**
 * This machine reaches no Python index, so `pip install -r requirements.txt` cannot run here; the
 * interpreter used is one that already has every package requirements.txt names (what that step
 * would give), and the README's last command is run with it.
 */
function pythonWith(packages: readonly string[]): string | null {
  const probe = `import ${packages.join(", ")}`;
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(candidate, ["-c", probe], { stdio: "ignore", timeout: 30_000 });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

const python = pythonWith(["numpy", "pandas", "matplotlib"]);
if (!python) console.warn("No python3 with numpy, pandas and matplotlib: the exported Python projects are not run.");

describe.skipIf(!python)("an exported Python project runs with python3", () => {
  const cases: [string, RegExp][] = [
    ["python-sales-chart", /^Total revenue: \d+\.\dk\$\nBest month: [A-Z][a-z]{2} \(\d+\.\dk\$\)\nMonths on target: \d+ of 12\n$/],
    ["python-orders-table", /^400 orders, \d+ items, [\d,]+ \$ in total\n$/],
  ];
  it.each(cases)(
    "%s: its README's commands, then the entry prints what it should",
    async (id, expected) => {
      const folder = await extract(exampleInput(id, 2));
      const commands = readmeCommands(folder);
      expect(commands).toEqual(["python3 -m venv .venv", ". .venv/bin/activate", "pip install -r requirements.txt", "python3 main.py"]);
      const packages = readFileSync(path.join(folder, "requirements.txt"), "utf8").trim().split("\n");
      expect(packages).toEqual(["numpy", "pandas", "matplotlib"]);
      expect(pythonWith(packages)).not.toBeNull();
      const stdout = await sh(folder, python ?? "python3", ["main.py"], { ...process.env, MPLBACKEND: "Agg" });
      expect(stdout).toMatch(expected);
    },
    60_000,
  );
});
