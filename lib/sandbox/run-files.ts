import { AppError } from "../errors";
import type { FragmentFile } from "../fragment/schema";
import { normalizeSandboxPath } from "./paths";
import { RUNNER_DIR } from "./run-templates";
import type { Sandbox } from "./types";

/**
 * Puts a project state's files into its sandbox. The runner records what it wrote in a manifest in
 * its own directory, so the next run removes exactly the files that left the project, and never
 * what it did not write: the build's output, installed packages, files the app itself created.
 */

const MANIFEST = `${RUNNER_DIR}/files.json`;
const MAX_MANIFEST_ENTRIES = 1_000;
const WRITE_CONCURRENCY = 8;

/** Refuses files under paths the template or the runner owns (the build would clobber them). */
export function checkReserved(files: readonly FragmentFile[], reserved: readonly string[]): void {
  for (const file of files) {
    const top = file.path.split("/")[0]!;
    const hit = reserved.find((r) => r === file.path || r === top);
    if (hit === RUNNER_DIR) throw new AppError("bad_request:validation", `"${file.path}" is under ${RUNNER_DIR}/, which the runner keeps for itself.`);
    if (hit) throw new AppError("bad_request:validation", `"${file.path}" belongs to the template (${hit} is written by the build or the template); give it another name.`);
  }
}

/** What the previous run wrote; the manifest lives in the sandbox, so it is checked like any input. */
async function previousFiles(sandbox: Sandbox, reserved: readonly string[]): Promise<string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await sandbox.files.readText(MANIFEST));
  } catch {
    return [];
  }
  const files = (raw as { files?: unknown })?.files;
  if (!Array.isArray(files)) return [];
  const out: string[] = [];
  for (const entry of files.slice(0, MAX_MANIFEST_ENTRIES)) {
    if (typeof entry !== "string") continue;
    try {
      const safe = normalizeSandboxPath(entry);
      if (!reserved.includes(safe.split("/")[0]!)) out.push(safe);
    } catch {
      // not a path the runner could have written
    }
  }
  return out;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface SyncResult {
  written: number;
  removed: string[];
}

export async function syncFiles(sandbox: Sandbox, files: readonly FragmentFile[], reserved: readonly string[]): Promise<SyncResult> {
  const previous = await previousFiles(sandbox, reserved);
  const next = new Set(files.map((f) => f.path));
  // A path that was a folder and is now a file (or the reverse) has to go before the write.
  const removed = previous.filter((p) => !next.has(p));
  const replacedFolders = [...next].filter((p) => previous.some((q) => q.startsWith(`${p}/`)));
  for (const p of [...removed, ...replacedFolders]) await sandbox.files.remove(p);
  await inParallel(files, WRITE_CONCURRENCY, (f) => sandbox.files.write(f.path, f.content));
  await sandbox.files.write(MANIFEST, JSON.stringify({ files: [...next] }));
  return { written: files.length, removed };
}
