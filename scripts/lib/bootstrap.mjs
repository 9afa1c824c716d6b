// Set-up shared by `npm start` and `npm test`. Plain Node with no dependencies: it runs before
// node_modules exists on a fresh clone.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

/**
 * Debian packages by purpose, each with how to tell it is there. The local sandbox needs bubblewrap,
 * prlimit and setpriv, and Perl to join commands to a sandbox; its Python template uses Debian's
 * python3 with numpy, pandas and matplotlib (the sandbox binds /usr, so these are what generated
 * code imports); the browser tests need Chromium.
 */
export const SYSTEM_PACKAGES = {
  sandbox: [
    { pkg: "bubblewrap", check: "command -v bwrap" },
    { pkg: "util-linux", check: "command -v prlimit && command -v setpriv" },
    { pkg: "perl-base", check: "test -x /usr/bin/perl" },
    { pkg: "python3", check: "test -x /usr/bin/python3" },
    { pkg: "python3-numpy", check: "/usr/bin/python3 -c 'import numpy'" },
    { pkg: "python3-pandas", check: "/usr/bin/python3 -c 'import pandas'" },
    { pkg: "python3-matplotlib", check: "/usr/bin/python3 -c 'import matplotlib'" },
  ],
  browser: [{ pkg: "chromium", check: "command -v chromium" }],
};

export function step(message) {
  process.stdout.write(`\x1b[36m›\x1b[0m ${message}\n`);
}

export function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", ...opts });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 9)) {
    console.error(`Tessera needs Node.js 20.9 or newer; this is ${process.versions.node}.`);
    process.exit(1);
  }
}

/** npm ci when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  step("Installing npm dependencies (npm ci)…");
  if (run("npm", ["ci", "--no-audit", "--no-fund"]) !== 0) {
    console.error("npm ci failed; see the output above.");
    process.exit(1);
  }
}

/** Templates' own runtime packages (mounted read-only into sandboxes), each from its lockfile. */
export function ensureTemplates() {
  const dir = path.join(ROOT, "templates");
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const lock = path.join(dir, name, "package-lock.json");
    if (!existsSync(lock)) continue;
    const marker = path.join(dir, name, "node_modules", ".package-lock.json");
    if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) continue;
    step(`Installing the ${name} template's packages…`);
    if (run("npm", ["ci", "--no-audit", "--no-fund", "--prefix", path.join(dir, name)]) !== 0) {
      console.error(`npm ci for templates/${name} failed; see the output above.`);
      process.exit(1);
    }
  }
}

function present(check) {
  return spawnSync("sh", ["-c", check], { stdio: "ignore" }).status === 0;
}

/**
 * Install missing Debian packages with apt when running as root; otherwise say exactly what to
 * run. Returns the packages still missing.
 */
export function ensureSystemPackages(groups, { required }) {
  const wanted = groups.flatMap((g) => SYSTEM_PACKAGES[g]);
  let missing = wanted.filter((w) => !present(w.check));
  if (missing.length === 0) return [];
  const names = missing.map((m) => m.pkg).join(" ");
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && present("command -v apt-get")) {
    step(`Installing Debian packages: ${names}…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update", "-qq"], { env });
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing.map((m) => m.pkg)], { env });
    missing = missing.filter((w) => !present(w.check));
  }
  if (missing.length > 0) {
    const cmd = `sudo apt-get install -y ${missing.map((m) => m.pkg).join(" ")}`;
    const message = `Missing system packages: ${missing.map((m) => m.pkg).join(", ")}. Install them with:\n    ${cmd}`;
    if (required) {
      console.error(message);
      process.exit(1);
    }
    console.warn(`\x1b[33m!\x1b[0m ${message}\n  (Tessera still starts; the local sandbox reports itself unavailable until then.)`);
  }
  return missing;
}

const BUILD_INPUTS = ["app", "components", "lib", "public", "proxy.ts", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];

function hashInputs() {
  const hash = createHash("sha256");
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      hash.update(path.relative(ROOT, p));
      hash.update(readFileSync(p));
    }
  };
  for (const input of BUILD_INPUTS) visit(path.join(ROOT, input));
  return hash.digest("hex");
}

/** Build when .next is missing or any source input changed since the last build. */
export function ensureBuild() {
  const stamp = path.join(ROOT, ".next", "tessera-build.sha256");
  const current = hashInputs();
  if (existsSync(path.join(ROOT, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === current) return;
  step("Building the app (next build)…");
  if (run(path.join(ROOT, "node_modules", ".bin", "next"), ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } }) !== 0) {
    console.error("The build failed; see the output above.");
    process.exit(1);
  }
  writeFileSync(stamp, current);
}

export function gitDescribe() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}
