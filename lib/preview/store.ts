import { randomBytes } from "node:crypto";
import { AppError } from "../errors";
import type { Sandbox } from "../sandbox/types";

/**
 * Published previews of static builds, at unguessable capability URLs. A build's output is copied
 * out of the sandbox through the sandbox's own file API (so a symlink planted in dist/ resolves
 * inside the sandbox, never on the host) into memory, and served from there. The token is the only
 * credential: 256 bits, never logged, revoked with its sandbox.
 */

export interface PreviewFile {
  body: Uint8Array;
  contentType: string;
}

export interface PublishedPreview {
  token: string;
  sandboxId: string;
  ownerId: string;
  projectId: string;
  /** A static build's files, copied out of the sandbox… */
  files: Map<string, PreviewFile>;
  /** …or the host side of a unix socket relaying to a server inside the sandbox. */
  socketPath?: string;
  bytes: number;
  expiresAt: number;
}

const MAX_FILES = 500;
const MAX_BYTES = 32 * 1024 * 1024;
const TTL_MS = 60 * 60_000;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
  wasm: "application/wasm",
};

export function contentTypeOf(file: string): string {
  return TYPES[file.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

export class PreviewStore {
  private readonly previews = new Map<string, PublishedPreview>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Copy `outputDir` out of the sandbox and publish it; replaces the sandbox's earlier preview. */
  async publish(sandbox: Sandbox, outputDir: string): Promise<PublishedPreview> {
    const entries = (await sandbox.files.list(outputDir)).filter((e) => e.type === "file");
    if (entries.length > MAX_FILES) throw new AppError("payload_too_large", `The build produced ${entries.length} files; previews hold at most ${MAX_FILES}.`);
    const total = entries.reduce((n, e) => n + e.size, 0);
    if (total > MAX_BYTES) throw new AppError("payload_too_large", `The build output is ${Math.round(total / 1048576)} MiB; previews hold at most ${MAX_BYTES / 1048576} MiB.`);
    const files = new Map<string, PreviewFile>();
    let bytes = 0;
    for (const entry of entries) {
      const body = await sandbox.files.read(entry.path);
      bytes += body.byteLength;
      if (bytes > MAX_BYTES) throw new AppError("payload_too_large", "The build output grew past the preview size cap while it was copied.");
      files.set(entry.path.slice(outputDir.length + 1), { body, contentType: contentTypeOf(entry.path) });
    }
    if (!files.has("index.html")) throw new AppError("bad_request:validation", "The build produced no index.html to preview.");
    this.revokeSandbox(sandbox.info.id);
    const preview: PublishedPreview = {
      token: randomBytes(32).toString("base64url"),
      sandboxId: sandbox.info.id,
      ownerId: sandbox.info.ownerId,
      projectId: sandbox.info.projectId,
      files,
      bytes,
      expiresAt: this.now() + TTL_MS,
    };
    this.previews.set(preview.token, preview);
    return preview;
  }

  /** Publish a server running in the sandbox, reached through the relay's unix socket. */
  publishServer(info: { id: string; ownerId: string; projectId: string }, socketPath: string): PublishedPreview {
    for (const [token, p] of this.previews) if (p.socketPath === socketPath) this.previews.delete(token);
    const preview: PublishedPreview = {
      token: randomBytes(32).toString("base64url"),
      sandboxId: info.id,
      ownerId: info.ownerId,
      projectId: info.projectId,
      files: new Map(),
      socketPath,
      bytes: 0,
      expiresAt: this.now() + TTL_MS,
    };
    this.previews.set(preview.token, preview);
    return preview;
  }

  /** The preview behind a token, or undefined; constant work whatever the token. */
  lookup(token: string): PublishedPreview | undefined {
    const preview = this.previews.get(token);
    if (!preview) return undefined;
    if (preview.expiresAt <= this.now()) {
      this.previews.delete(token);
      return undefined;
    }
    return preview;
  }

  /**
   * Put back a preview kept in the database (after a restart), under the token it was published
   * with; it lives until the stored expiry.
   */
  restore(token: string, stored: { sandboxId: string; ownerId: string; projectId: string; files: Map<string, Uint8Array>; expiresAt: Date }): PublishedPreview {
    const files = new Map<string, PreviewFile>();
    let bytes = 0;
    for (const [name, body] of stored.files) {
      files.set(name, { body, contentType: contentTypeOf(name) });
      bytes += body.byteLength;
    }
    const preview: PublishedPreview = { token, sandboxId: stored.sandboxId, ownerId: stored.ownerId, projectId: stored.projectId, files, bytes, expiresAt: Math.min(stored.expiresAt.getTime(), this.now() + TTL_MS) };
    this.previews.set(token, preview);
    return preview;
  }

  /** Close every preview of one user's project (it was deleted). */
  revokeProject(ownerId: string, projectId: string): void {
    for (const [token, preview] of this.previews) if (preview.ownerId === ownerId && preview.projectId === projectId) this.previews.delete(token);
  }

  revokeSandbox(sandboxId: string): void {
    for (const [token, preview] of this.previews) if (preview.sandboxId === sandboxId) this.previews.delete(token);
  }
}
