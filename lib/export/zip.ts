import { Zip, ZipDeflate } from "fflate";
import { AppError } from "../errors";
import { normalizeSandboxPath } from "../fragment/paths";
import { checkVersionNumber, encodeRfc8187, fileNameStem, folderName, projectSlug } from "./names";
import { exportReadme } from "./readme";
import { scaffoldFor, type ScaffoldFile } from "./scaffold";

/**
 * One project version as a ZIP that runs outside Tessera: the project's files, what its template
 * supplied in the sandbox (lib/export/scaffold.ts) and a README, all under one top folder.
 *
 * Everything that can be refused is checked before the stream exists, so a bad path is an
 * AppError the route can answer with a 400, never a download that breaks off halfway. The archive
 * is then produced as the reader pulls: a slice of one file is deflated per pull, so a slow client
 * holds the server to about one slice of output, not a whole archive.
 */

export interface ExportInput {
  /** Untrusted text: used for names only after slugify/escaping (lib/export/names.ts). */
  title: string;
  n: number;
  template: string;
  files: { path: string; content: string }[];
  dependencies: { npm: string[]; pip: string[] };
  entry: string;
  port: number | null;
}

export interface ExportPlan {
  /** The top folder every entry lives under, e.g. `greeting-card-v3`. */
  folder: string;
  /** Paths relative to the folder, in archive order. */
  entries: { path: string; content: string }[];
  /** Files the export generated (also in `entries`). */
  added: ScaffoldFile[];
  /** `README.md`, or `README.tessera.md` when the project has a README of its own. */
  readme: string;
}

const DEFLATE_LEVEL = 6;
const SLICE_BYTES = 64 * 1024;

function refuse(message: string): never {
  throw new AppError("bad_request:validation", message);
}

/**
 * Each path must be one a sandbox would accept, and the set must extract to as many files on
 * every system: no exact duplicates, none differing only in case (one file on macOS and Windows),
 * and no path that is both a file and another path's folder (unzip would fail halfway).
 */
function checkFileSet(paths: readonly string[]): void {
  const byKey = new Map<string, string>();
  for (const p of paths) {
    const key = p.toLowerCase();
    const earlier = byKey.get(key);
    if (earlier === p) refuse(`Path ${JSON.stringify(p)} appears twice.`);
    if (earlier !== undefined) refuse(`Paths ${JSON.stringify(earlier)} and ${JSON.stringify(p)} differ only in case; they would be one file on macOS and Windows.`);
    byKey.set(key, p);
  }
  for (const p of paths) {
    const segments = p.split("/");
    for (let i = 1; i < segments.length; i++) {
      const folder = byKey.get(segments.slice(0, i).join("/").toLowerCase());
      if (folder !== undefined) refuse(`${JSON.stringify(folder)} is a file, so ${JSON.stringify(p)} cannot be inside it.`);
    }
  }
}

function readmeName(taken: ReadonlySet<string>): string {
  const candidates = ["README.md", "README.tessera.md", ...Array.from({ length: 8 }, (_, i) => `README.tessera-${i + 2}.md`)];
  const free = candidates.find((c) => !taken.has(c.toLowerCase()));
  return free ?? refuse("The project uses every README name the export could write.");
}

/** Validates everything and decides every entry; throws AppError("bad_request:validation"). */
export function planExport(input: ExportInput): ExportPlan {
  checkVersionNumber(input.n);
  const files = input.files.map((f) => ({ path: normalizeSandboxPath(f.path), content: f.content }));
  checkFileSet(files.map((f) => f.path));
  const entry = normalizeSandboxPath(input.entry);

  const added = scaffoldFor({
    packageName: projectSlug(input.title),
    title: input.title,
    template: input.template,
    files,
    dependencies: input.dependencies,
    entry,
  });
  const readme = readmeName(new Set([...files, ...added].map((f) => f.path.toLowerCase())));
  const text = exportReadme({
    title: input.title,
    n: input.n,
    template: input.template,
    entry,
    port: input.port,
    added,
    ownPackageJson: files.some((f) => f.path.toLowerCase() === "package.json"),
  });
  const entries = [{ path: readme, content: text }, ...files, ...added.map(({ path, content }) => ({ path, content }))];
  checkFileSet(entries.map((e) => e.path));
  return { folder: folderName(input.title, input.n), entries, added, readme };
}

/**
 * The archive as a byte stream. Throws synchronously (before any byte exists) when the input is
 * refused; errors after that can only be fflate's own and end the stream with an error.
 */
export function exportVersionZip(input: ExportInput): ReadableStream<Uint8Array> {
  const plan = planExport(input);
  return zipStream(plan.entries.map((e) => ({ name: `${plan.folder}/${e.path}`, content: e.content })));
}

function zipStream(entries: readonly { name: string; content: string }[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const mtime = new Date();
  let pending: Uint8Array[] = [];
  let failure: Error | null = null;
  let done = false;
  let ended = false;
  let next = 0;
  let current: { file: ZipDeflate; bytes: Uint8Array; offset: number } | null = null;

  const zip = new Zip((err, chunk, final) => {
    if (err) failure = err;
    else {
      pending.push(chunk);
      if (final) done = true;
    }
  });

  /** One unit of work: a slice of the current file, the start of the next one, or the end. */
  function step(): void {
    if (current) {
      const end = Math.min(current.offset + SLICE_BYTES, current.bytes.length);
      const last = end === current.bytes.length;
      current.file.push(current.bytes.subarray(current.offset, end), last);
      current = last ? null : { ...current, offset: end };
      return;
    }
    const entry = entries[next];
    if (entry) {
      next += 1;
      const file = new ZipDeflate(entry.name, { level: DEFLATE_LEVEL });
      file.mtime = mtime;
      zip.add(file);
      // Encoded only now, so at most one file's bytes are held at a time.
      current = { file, bytes: encoder.encode(entry.content), offset: 0 };
      return;
    }
    if (ended) {
      // end() writes the central directory synchronously; if it did not, stop instead of spinning.
      failure = new Error("The ZIP archive ended without its central directory.");
      return;
    }
    ended = true;
    zip.end();
  }

  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // Deflate buffers small inputs, so a step may yield nothing; keep stepping until it does.
      while (pending.length === 0 && !done && failure === null) step();
      if (failure !== null) {
        controller.error(failure);
        return;
      }
      for (const chunk of pending) controller.enqueue(chunk);
      pending = [];
      if (done) controller.close();
    },
    cancel() {
      zip.terminate();
    },
  });
}

/**
 * The download's names: an ASCII `greeting-card-v3.zip` for `filename=` (old clients) and the
 * title itself for `filename*=` (RFC 6266), percent-encoded so no quote, `;`, CR or LF survives.
 */
export function exportFileName(title: string, n: number): { ascii: string; contentDisposition: string } {
  const ascii = `${folderName(title, n)}.zip`;
  const stem = fileNameStem(title) || projectSlug(title);
  return { ascii, contentDisposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(`${stem}-v${n}.zip`)}` };
}
