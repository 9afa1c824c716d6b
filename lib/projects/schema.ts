import { z } from "zod";
import type { RunResult } from "../fragment/protocol";
import { dependenciesSchema, fileSetSchema, FRAGMENT_LIMITS, safePath } from "../fragment/schema";

/**
 * What a saved project is made of, as it travels between the browser and /api/projects. Shared by
 * the route schemas (which validate every field a client sends) and the browser (which builds
 * these shapes). Nothing here imports server-only code.
 */

export const PROJECT_LIMITS = {
  maxProjectsPerUser: 1000,
  maxMessagesPerProject: 2000,
  maxVersionsPerProject: 1000,
  maxTitle: 120,
  maxMessageChars: 40_000,
  maxImagesPerMessage: 4,
  maxImageBytes: 5 * 1024 * 1024,
  maxActiveSharesPerProject: 20,
  /** How long a deleted project can be brought back. */
  undoDeleteMs: 10_000,
} as const;

/** Client-chosen ids (projects, messages): random UUIDs in practice, checked as plain tokens. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be 1–64 letters, digits, - or _." });

export const titleSchema = z
  .string()
  .trim()
  .min(1, { error: "is empty." })
  .max(PROJECT_LIMITS.maxTitle, { error: `is longer than ${PROJECT_LIMITS.maxTitle} characters.` })
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), { error: "contains control characters." });

const isoDate = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date." });

export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;

const storedImage = z.object({
  mediaType: z.enum(IMAGE_MEDIA_TYPES),
  /** Base64 without a data: prefix; "" when the bytes were dropped to fit a browser's storage. */
  data: z.string().max(Math.ceil((PROJECT_LIMITS.maxImageBytes * 4) / 3) + 4, {
    error: `is larger than ${PROJECT_LIMITS.maxImageBytes / 1048576} MiB.`,
  }),
  name: z.string().max(200).optional(),
});

export const messageErrorSchema = z.object({
  code: z.string().max(100),
  message: z.string().max(4000),
  requestId: z.string().max(100).optional(),
  retryable: z.boolean(),
});

export const savedMessageSchema = z.object({
  id: idSchema,
  role: z.enum(["user", "assistant"]),
  content: z.string().max(PROJECT_LIMITS.maxMessageChars, { error: `is longer than ${PROJECT_LIMITS.maxMessageChars} characters.` }),
  createdAt: isoDate,
  images: z.array(storedImage).max(PROJECT_LIMITS.maxImagesPerMessage).optional(),
  version: z.number().int().positive().optional(),
  fixOf: z.string().max(8000).optional(),
  autoFix: z.boolean().optional(),
  error: messageErrorSchema.optional(),
  mode: z.enum(["native", "json"]).optional(),
  model: z.string().max(200).optional(),
});
export type SavedMessage = z.output<typeof savedMessageSchema>;

export const VERSION_SOURCES = ["model", "edit", "restore", "example"] as const;

export const savedVersionSchema = z.object({
  n: z.number().int().min(1).max(1_000_000),
  createdAt: isoDate,
  source: z.enum(VERSION_SOURCES),
  title: z.string().max(FRAGMENT_LIMITS.maxTitle),
  template: z.string().min(1).max(64),
  files: fileSetSchema,
  dependencies: dependenciesSchema,
  entry: safePath,
  port: z.number().int().min(1).max(65535).nullable(),
  restoredFrom: z.number().int().positive().optional(),
  parent: z.number().int().positive().optional(),
});
export type SavedVersion = z.output<typeof savedVersionSchema>;

/** What the last run showed: enough to show it again without running. */
export interface LastRun {
  version: number;
  at: string;
  result: RunResult;
}

export interface ProjectSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  versionCount: number;
}

export interface SavedProject {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  currentVersion: number;
  messages: SavedMessage[];
  versions: SavedVersion[];
  lastRun?: LastRun;
}

export interface ShareSummary {
  id: string;
  version: number;
  createdAt: string;
  expiresAt: string;
  /** Present only in the answer that created it: the token is not stored and cannot be shown again. */
  url?: string;
}

/**
 * A saved project as GET /api/projects/:id sends it: each distinct file content once, in `blobs`,
 * and versions naming their files' contents by hash (versions mostly share files).
 */
export interface ProjectDocument {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  currentVersion: number;
  lastRun?: LastRun;
  messages: SavedMessage[];
  versions: (Omit<SavedVersion, "files"> & { files: { path: string; blob: string }[] })[];
  blobs: Record<string, string>;
}

/** The document's versions with their files' contents filled in. */
export function expandVersions(doc: Pick<ProjectDocument, "versions" | "blobs">): SavedVersion[] {
  return doc.versions.map((v) => ({
    ...v,
    files: v.files.map((f) => {
      const content = doc.blobs[f.blob];
      if (content === undefined) throw new Error(`The saved project is missing the content of ${f.path}.`);
      return { path: f.path, content };
    }),
  }));
}
