import { strToU8, zipSync, type Zippable } from "fflate";
import { normalizeSandboxPath } from "@/lib/fragment/paths";
import type { FragmentFile } from "@/lib/fragment/schema";

/**
 * Project downloads, built in the browser: the files are already here, so no server round trip.
 * Paths came from a model; a zip entry like "../x" or "/etc/x" would be written outside the folder
 * by careless unzip tools, so only paths the sandbox rule accepts go in (the others are skipped,
 * which for a validated project is none).
 */

/** The zip entry name for a path, or null when the path is not a safe relative one. */
export function safeZipName(path: string): string | null {
  try {
    return normalizeSandboxPath(path);
  } catch {
    return null;
  }
}

export function zipFiles(files: readonly FragmentFile[]): Uint8Array {
  const entries: Zippable = {};
  const seen = new Set<string>();
  for (const file of files) {
    const name = safeZipName(file.path);
    if (!name || seen.has(name)) continue;
    seen.add(name);
    // A fixed date keeps the archive byte-identical for identical files.
    entries[name] = [strToU8(file.content), { mtime: new Date(2000, 0, 1) }];
  }
  return zipSync(entries, { level: 6 });
}

/** A file name for the archive: the project title as a slug, or "project". */
export function zipFileName(title: string | undefined): string {
  const slug = (title ?? "")
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-")
    .slice(0, 60)
    .replace(/^-+|-+$/g, "");
  return `${slug || "project"}.zip`;
}

/** The last segment of a path, for a single-file download. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1) || "file.txt";
}

export function downloadBlob(name: string, bytes: Uint8Array | string, type = "application/octet-stream"): void {
  const blob = new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later rather than at once: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
