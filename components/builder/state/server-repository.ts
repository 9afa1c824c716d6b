import { expandVersions, PROJECT_LIMITS, type ProjectDocument, type ProjectSummary, type SavedMessage, type SavedVersion } from "@/lib/projects/schema";
import { ApiError, requestJson, UNREACHABLE, type Fetch } from "../api";
import type { BuilderMessage, Project, ProjectRepository, Version } from "../types";
import { RepositoryError } from "./repository";

/**
 * Projects kept by the server (/api/projects). The browser's state stays a plain Project; saving
 * sends only what changed since the last save — a new project, new versions, new or removed
 * messages, a new title or current version — one request each, in an order the server can check
 * (versions before the messages and current version that point at them). Saves of one project run
 * one after another, so a slow save is never overtaken by the next.
 */

interface Synced {
  /** The server has the project. */
  created: boolean;
  title: string;
  currentVersion: number;
  messages: Set<string>;
  versions: Set<number>;
}

export interface ServerRepository extends ProjectRepository {
  list(search?: string): Promise<ProjectSummary[]>;
  /** Undo a delete (within the server's window). */
  restore(id: string): Promise<void>;
  rename(id: string, title: string): Promise<void>;
  /** Whether the server is known to have this project already. */
  known(id: string): boolean;
}

export const SAVE_FAILED = "Your latest changes could not be saved to the server; they are still here, and saving will be tried again.";

/** Answers that mean this request will be refused however often it is sent. */
const NEVER_TAKEN = new Set([400, 409, 413, 415, 422]);

const fresh = (): Synced => ({ created: false, title: "", currentVersion: 0, messages: new Set(), versions: new Set() });

/** A message as the server keeps it: the caps applied, so a long fix request cannot block saving. */
export function toSavedMessage(m: BuilderMessage): SavedMessage {
  return {
    id: m.id,
    role: m.role,
    content: m.content.slice(0, PROJECT_LIMITS.maxMessageChars),
    createdAt: m.createdAt,
    ...(m.images?.length ? { images: m.images.map(({ mediaType, data, name }) => ({ mediaType, data, ...(name ? { name } : {}) })) } : {}),
    ...(m.version !== undefined ? { version: m.version } : {}),
    ...(m.fixOf !== undefined ? { fixOf: m.fixOf.slice(0, 8000) } : {}),
    ...(m.autoFix ? { autoFix: true } : {}),
    ...(m.error
      ? { error: { code: m.error.code, message: m.error.message.slice(0, 4000), retryable: m.error.retryable, ...(m.error.requestId ? { requestId: m.error.requestId } : {}) } }
      : {}),
    ...(m.mode ? { mode: m.mode } : {}),
    ...(m.model ? { model: m.model.slice(0, 200) } : {}),
  };
}

export function toSavedVersion(v: Version): SavedVersion {
  return {
    n: v.n,
    createdAt: v.createdAt,
    source: v.source,
    title: v.title,
    template: v.template,
    files: v.files,
    dependencies: v.dependencies,
    entry: v.entry,
    port: v.port,
    ...(v.restoredFrom !== undefined ? { restoredFrom: v.restoredFrom } : {}),
    ...(v.parent !== undefined ? { parent: v.parent } : {}),
  };
}

export function projectFromDocument(doc: ProjectDocument): Project {
  return {
    id: doc.id,
    title: doc.title,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    currentVersion: doc.currentVersion,
    messages: doc.messages as BuilderMessage[],
    versions: expandVersions(doc),
    ...(doc.lastRun ? { lastRun: doc.lastRun } : {}),
  };
}

export function serverRepository(options: { fetch?: Fetch; onWarning?: (message: string) => void } = {}): ServerRepository {
  const fetchImpl: Fetch = options.fetch ?? ((u, i) => fetch(u, i));
  const synced = new Map<string, Synced>();
  const queues = new Map<string, Promise<unknown>>();
  /** Versions the server refused (too big, say): skipped, said once, so later ones still save. */
  const refused = new Map<string, Set<number>>();

  async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
    try {
      return await requestJson<T>(method, url, body, fetchImpl);
    } catch (err) {
      if (err instanceof ApiError && err.code === UNREACHABLE) {
        throw new RepositoryError("unavailable", "The server could not be reached, so projects cannot be read or saved right now.");
      }
      throw err;
    }
  }

  /** Run `task` after every earlier task of the same project. */
  function queued<T>(id: string, task: () => Promise<T>): Promise<T> {
    const before = queues.get(id) ?? Promise.resolve();
    const mine = before.catch(() => {}).then(task);
    queues.set(id, mine);
    void mine.finally(() => {
      if (queues.get(id) === mine) queues.delete(id);
    }).catch(() => {});
    return mine;
  }

  const base = (id: string) => `/api/projects/${encodeURIComponent(id)}`;

  async function push(project: Project): Promise<void> {
    const s = synced.get(project.id) ?? fresh();
    synced.set(project.id, s);
    if (!s.created) {
      await call("POST", "/api/projects", { id: project.id, title: project.title, createdAt: project.createdAt });
      s.created = true;
      s.title = project.title;
    }
    const skipped = refused.get(project.id) ?? new Set<number>();
    for (const version of [...project.versions].sort((a, b) => a.n - b.n)) {
      if (s.versions.has(version.n) || skipped.has(version.n)) continue;
      try {
        await call("POST", `${base(project.id)}/versions`, { version: toSavedVersion(version) });
        s.versions.add(version.n);
      } catch (err) {
        // A version the server will never take (invalid, too big, a different one under this
        // number) must not hold back the ones after it; anything else (signed out, limits,
        // outages) is tried again with the next save.
        if (!(err instanceof ApiError) || !NEVER_TAKEN.has(err.status ?? 0)) throw err;
        skipped.add(version.n);
        refused.set(project.id, skipped);
        options.onWarning?.(`Version ${version.n} could not be saved: ${err.message}`);
      }
    }
    const present = new Set(project.messages.map((m) => m.id));
    for (const id of [...s.messages]) {
      if (present.has(id)) continue;
      await call("DELETE", `${base(project.id)}/messages/${encodeURIComponent(id)}`).catch((err) => {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      });
      s.messages.delete(id);
    }
    for (const message of project.messages) {
      if (s.messages.has(message.id)) continue;
      await call("POST", `${base(project.id)}/messages`, { message: toSavedMessage(message) });
      s.messages.add(message.id);
    }
    const current = s.versions.has(project.currentVersion) || project.currentVersion === 0 ? project.currentVersion : s.currentVersion;
    if (project.title !== s.title || current !== s.currentVersion) {
      await call("PATCH", base(project.id), { title: project.title, currentVersion: current });
      s.title = project.title;
      s.currentVersion = current;
    }
  }

  return {
    async list(search) {
      const q = search?.trim() ? `?q=${encodeURIComponent(search.trim())}` : "";
      return (await call<{ projects: ProjectSummary[] }>("GET", `/api/projects${q}`)).projects;
    },
    async load(id) {
      let doc: ProjectDocument;
      try {
        doc = (await call<{ project: ProjectDocument }>("GET", base(id))).project;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
      const project = projectFromDocument(doc);
      synced.set(id, {
        created: true,
        title: project.title,
        currentVersion: project.currentVersion,
        messages: new Set(project.messages.map((m) => m.id)),
        versions: new Set(project.versions.map((v) => v.n)),
      });
      return project;
    },
    save: (project) => queued(project.id, () => push(project)),
    async remove(id) {
      await queued(id, () => call("DELETE", base(id)));
    },
    async restore(id) {
      await queued(id, () => call("POST", `${base(id)}/restore`));
    },
    async rename(id, title) {
      await queued(id, async () => {
        await call("PATCH", base(id), { title });
        const s = synced.get(id);
        if (s) s.title = title;
      });
    },
    known: (id) => synced.get(id)?.created === true,
  };
}
