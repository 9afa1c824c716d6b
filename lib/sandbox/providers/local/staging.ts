import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import path from "node:path";

/**
 * What a sandbox can learn about the host from its mount table. `/proc/self/mountinfo` names the
 * source of every bind as its path on its filesystem, so binding the checkout's `templates/` would
 * tell generated code where the app lives (the first step of the core_pattern escape). The read-only
 * sources are therefore staged under the provider's own directory — a neutral path such as
 * `/tmp/tessera-0/templates-<hash>` — as hard links (a copy where links cannot cross filesystems),
 * once per distinct content, shared by every instance on the host.
 */

/** A directory we create and own, refusing one someone else planted (a symlink, another owner, writable by others). */
export function ensureOwnDir(dir: string, mode = 0o755): void {
  mkdirSync(dir, { recursive: true, mode });
  const st = lstatSync(dir);
  const uid = process.getuid?.() ?? st.uid;
  if (!st.isDirectory() || st.uid !== uid) {
    throw new Error(`${dir} is not a directory owned by this user; remove it or choose another location.`);
  }
  if ((st.mode & 0o7777) !== mode) chmodSync(dir, mode);
}

function walk(root: string, visit: (rel: string, full: string, st: Stats) => void, rel = ""): void {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const full = path.join(root, r);
    const st = lstatSync(full);
    visit(r, full, st);
    if (st.isDirectory()) walk(root, visit, r);
  }
}

/** Names, sizes and modification times: enough to tell one install of the templates from another. */
function contentKey(source: string): string {
  const hash = createHash("sha256");
  walk(source, (rel, _full, st) => hash.update(`${rel}\0${st.mode}\0${st.size}\0${st.mtimeMs}\n`));
  return hash.digest("hex").slice(0, 16);
}

function copyTree(source: string, target: string): void {
  mkdirSync(target, { mode: 0o755 });
  walk(source, (rel, full, st) => {
    const to = path.join(target, rel);
    if (st.isDirectory()) mkdirSync(to, { mode: 0o755 });
    else if (st.isSymbolicLink()) symlinkSync(readlinkSync(full), to);
    else if (st.isFile()) {
      try {
        linkSync(full, to);
      } catch {
        copyFileSync(full, to);
      }
    }
  });
}

/** The staged copy of `source` under `root` (created when missing); returns its path. */
export function stageTemplates(source: string, root: string): string {
  ensureOwnDir(root);
  const key = contentKey(source);
  const target = path.join(root, `templates-${key}`);
  if (existsSync(path.join(target, ".staged"))) return target;
  const temp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
  try {
    copyTree(source, temp);
    writeFileSync(path.join(temp, ".staged"), key);
    try {
      renameSync(temp, target);
    } catch {
      // Another instance staged the same content first: use theirs.
      if (!existsSync(path.join(target, ".staged"))) throw new Error(`could not stage the sandbox templates at ${target}`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return target;
}

/**
 * Sandboxes run as other uids than the server (when it is root), and bwrap opens their bind
 * sources as them: every directory above `dir` must let others through.
 */
export function checkTraversable(dir: string): void {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const st = lstatSync(at);
    if ((st.mode & 0o001) === 0) throw new Error(`${at} must be searchable by other users (chmod o+x) to hold sandboxes that run as their own users.`);
    if (at === path.dirname(at)) return;
  }
}
