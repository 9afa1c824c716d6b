import { z } from "zod";
import type { Project, ProjectRepository } from "../types";

/**
 * Projects in the browser's localStorage: an index (id, title, updatedAt) plus one key per project,
 * so listing never parses every project and one damaged entry costs only itself. The key prefix
 * carries a version: a future shape gets a new prefix and a migration instead of misreading this.
 *
 * Everything the components use is the ProjectRepository interface; a server-backed one replaces
 * this without touching them.
 */

export const STORAGE_PREFIX = "tessera.projects.v1";
const INDEX_KEY = `${STORAGE_PREFIX}.index`;
const projectKey = (id: string) => `${STORAGE_PREFIX}.project.${id}`;

export type ProjectSummary = Pick<Project, "id" | "title" | "updatedAt">;

export class RepositoryError extends Error {
  constructor(
    readonly code: "quota" | "unavailable",
    message: string,
  ) {
    super(message);
    this.name = "RepositoryError";
  }
}

export const QUOTA_MESSAGE =
  "This browser's storage for Tessera is full, so the latest changes were not saved. They are still open here: download the project as a ZIP, or free space, before you reload.";
export const UNAVAILABLE_MESSAGE = "This browser does not let Tessera save projects (storage is off or blocked). Changes last until you reload.";
export const IMAGES_DROPPED_MESSAGE =
  "The attached images are too big for this browser's storage, so the project was saved without them (they stay visible until you reload).";
export const CORRUPT_MESSAGE = "A saved project could not be read (its stored data is damaged) and was skipped.";

const summarySchema = z.object({ id: z.string(), title: z.string(), updatedAt: z.string() });
const fileSchema = z.object({ path: z.string(), content: z.string() });

// Loose objects: fields added later survive a round trip through an older reader.
const projectSchema = z.looseObject({
  id: z.string().min(1),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  currentVersion: z.number().int().nonnegative(),
  messages: z.array(z.looseObject({ id: z.string(), role: z.enum(["user", "assistant"]), content: z.string(), createdAt: z.string() })),
  versions: z.array(
    z.looseObject({
      n: z.number().int().positive(),
      source: z.enum(["model", "edit", "restore", "example"]),
      template: z.string(),
      title: z.string(),
      files: z.array(fileSchema),
      dependencies: z.object({ npm: z.array(z.string()), pip: z.array(z.string()) }),
      entry: z.string(),
      port: z.number().nullable(),
    }),
  ),
});

function isQuotaError(err: unknown): boolean {
  if (!(err instanceof Error) && !(typeof DOMException !== "undefined" && err instanceof DOMException)) return false;
  const e = err as { name?: string; code?: number };
  // Chrome/Safari: QuotaExceededError (code 22); old Firefox: NS_ERROR_DOM_QUOTA_REACHED (1014).
  return e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED" || e.code === 22 || e.code === 1014;
}

const hasImageData = (project: Project) => project.messages.some((m) => m.images?.some((i) => i.data !== ""));

/** The project with each image's bytes dropped (its type and name kept, so the chat can say so). */
export function withoutImageData(project: Project): Project {
  return { ...project, messages: project.messages.map((m) => (m.images ? { ...m, images: m.images.map((i) => ({ ...i, data: "" })) } : m)) };
}

export interface LocalRepositoryOptions {
  /** The Storage to use, or a getter (localStorage can throw on access when blocked). */
  storage: Storage | (() => Storage | null);
  /** Told about data that was skipped, so the page can say so instead of failing silently. */
  onWarning?: (message: string) => void;
}

export function localStorageRepository({ storage, onWarning }: LocalRepositoryOptions): ProjectRepository {
  const store = (): Storage => {
    let s: Storage | null;
    try {
      s = typeof storage === "function" ? storage() : storage;
    } catch {
      s = null;
    }
    if (!s) throw new RepositoryError("unavailable", UNAVAILABLE_MESSAGE);
    return s;
  };

  function write(key: string, value: string): void {
    try {
      store().setItem(key, value);
    } catch (err) {
      if (err instanceof RepositoryError) throw err;
      throw isQuotaError(err) ? new RepositoryError("quota", QUOTA_MESSAGE) : new RepositoryError("unavailable", UNAVAILABLE_MESSAGE);
    }
  }

  function parse<T>(raw: string | null, schema: z.ZodType<T>): T | null | "corrupt" {
    if (raw === null) return null;
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : "corrupt";
    } catch {
      return "corrupt";
    }
  }

  /** The index, rebuilt from the project keys when it is missing or damaged. */
  function readIndex(): ProjectSummary[] {
    const s = store();
    const index = parse(s.getItem(INDEX_KEY), z.array(summarySchema));
    if (index !== null && index !== "corrupt") return index;
    const rebuilt: ProjectSummary[] = [];
    const prefix = projectKey("");
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (!key?.startsWith(prefix)) continue;
      const project = parse(s.getItem(key), projectSchema);
      if (project && project !== "corrupt") rebuilt.push({ id: project.id, title: project.title, updatedAt: project.updatedAt });
    }
    if (index === "corrupt") onWarning?.(CORRUPT_MESSAGE);
    return rebuilt;
  }

  function writeIndex(index: ProjectSummary[]): void {
    write(INDEX_KEY, JSON.stringify(index));
  }

  return {
    async list() {
      return readIndex().sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
    async load(id) {
      const project = parse(store().getItem(projectKey(id)), projectSchema);
      if (project === "corrupt") {
        onWarning?.(CORRUPT_MESSAGE);
        return null;
      }
      return project as Project | null;
    },
    async save(project) {
      // Serialize first: a project that cannot be stringified must not leave a half-written index.
      try {
        write(projectKey(project.id), JSON.stringify(project));
      } catch (err) {
        // Images are what fills a browser's few MB; the project without them is worth keeping.
        if (!(err instanceof RepositoryError && err.code === "quota") || !hasImageData(project)) throw err;
        write(projectKey(project.id), JSON.stringify(withoutImageData(project)));
        onWarning?.(IMAGES_DROPPED_MESSAGE);
      }
      const summary: ProjectSummary = { id: project.id, title: project.title, updatedAt: project.updatedAt };
      writeIndex([summary, ...readIndex().filter((p) => p.id !== project.id)]);
    },
    async remove(id) {
      const s = store();
      s.removeItem(projectKey(id));
      writeIndex(readIndex().filter((p) => p.id !== id));
    },
  };
}

/** The browser's localStorage, or null where it is missing or blocked (server render, privacy modes). */
export function browserStorage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}
