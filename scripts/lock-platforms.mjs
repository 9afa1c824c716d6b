#!/usr/bin/env node
// The registry this project is developed against serves only Linux builds of platform-specific
// optional packages (Next's SWC, Tailwind's oxide, the resolver bindings), so npm leaves the other
// platforms out of package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This
// adds an entry per missing optional package, with the os/cpu npm uses to skip it elsewhere, so the
// lockfile is complete on every platform. Run after changing dependencies:
//   node scripts/lock-platforms.mjs [path/to/package-lock.json …]   (default: the root lockfile)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const OS = ["darwin", "linux", "win32", "freebsd", "android", "openharmony", "netbsd", "openbsd", "sunos", "aix"];
const CPU = ["arm64", "x64", "ia32", "arm", "riscv64", "s390x", "ppc64", "loong64", "wasm32", "mips64el"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = OS.find((o) => parts.includes(o));
  let cpu = CPU.find((c) => parts.some((p) => p === c || p.startsWith(c)));
  if (parts.includes("gnueabihf") || parts.includes("musleabihf") || parts.includes("eabi")) cpu = "arm";
  const libc = parts.some((p) => p.startsWith("musl")) ? "musl" : parts.includes("gnu") ? "glibc" : undefined;
  return { os, cpu, libc };
}

function complete(file) {
  const lock = JSON.parse(readFileSync(file, "utf8"));
  const packages = lock.packages;
  let added = 0;
  for (const [key, entry] of Object.entries(packages)) {
    for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const base = key === "" ? "" : `${key}/`;
      if ([`${base}node_modules/${dep}`, `node_modules/${dep}`].some((c) => packages[c])) continue;
      const { os, cpu, libc } = platformOf(dep);
      packages[`node_modules/${dep}`] = {
        version,
        ...(entry.dev ? { dev: true } : {}),
        optional: true,
        ...(os ? { os: [os] } : {}),
        ...(cpu ? { cpu: [cpu] } : {}),
        ...(libc ? { libc: [libc] } : {}),
      };
      added++;
    }
  }
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
  writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
  console.log(`${path.relative(process.cwd(), file)}: added ${added} optional platform entries.`);
}

const files = process.argv.length > 2 ? process.argv.slice(2) : [path.resolve(import.meta.dirname, "..", "package-lock.json")];
for (const file of files) complete(path.resolve(file));
