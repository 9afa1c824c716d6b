import type { FragmentFile, Dependencies } from "@/lib/fragment/schema";
import type { PartialFragment, RunResult, RunStep, StreamError, OutputMode } from "@/lib/fragment/protocol";
import type { LastRun } from "@/lib/projects/schema";

/**
 * The builder's client-side data. A project is plain JSON so the same shape can be saved in the
 * browser today and on the server later (a ProjectRepository implementation swaps, nothing else).
 */

export interface ImageAttachment {
  mediaType: "image/png" | "image/jpeg" | "image/webp" | "image/gif";
  /** Base64 without a data: prefix. */
  data: string;
  name?: string;
}

export interface BuilderMessage {
  id: string;
  role: "user" | "assistant";
  /** User text, or the assistant's commentary (markdown, rendered sanitized). */
  content: string;
  images?: ImageAttachment[];
  /** ISO 8601. */
  createdAt: string;
  /** The version an assistant message produced. */
  version?: number;
  /** Set when this message is an automatic or requested fix of an error: the error's normalized message. */
  fixOf?: string;
  /** A fix that auto-fix sent (not the person): it does not reset the auto-fix budget. */
  autoFix?: boolean;
  /** An assistant turn that failed: shown with a retry. */
  error?: Omit<StreamError, "requestId"> & { requestId?: string };
  mode?: OutputMode;
  model?: string;
}

export interface Version {
  /** 1-based, in creation order; restoring creates a new version that copies an old one. */
  n: number;
  createdAt: string;
  source: "model" | "edit" | "restore" | "example";
  title: string;
  template: string;
  files: FragmentFile[];
  dependencies: Dependencies;
  entry: string;
  port: number | null;
  /** For "restore": which version was copied. */
  restoredFrom?: number;
  /** The version this one was made from (the current one at the time), for "what changed" views. */
  parent?: number;
}

export interface Project {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messages: BuilderMessage[];
  versions: Version[];
  /** The version shown in the code view and preview (0 = none yet). */
  currentVersion: number;
  /** What the last run showed (kept by the server), so reopening shows it again. */
  lastRun?: LastRun;
}

export type RunState =
  | { status: "idle" }
  | { status: "running"; step: RunStep; message: string; startedAt: number; output: string }
  | { status: "done"; result: RunResult; output: string; version: number }
  | { status: "error"; step?: RunStep; message: string; code: string; output: string; version: number };

/** A streaming generation in flight: files fill the code view as they arrive. */
export interface GenerationState {
  status: "idle" | "streaming";
  partial?: PartialFragment;
}

export type ProjectListItem = Pick<Project, "id" | "title" | "updatedAt"> & { versionCount?: number };

export interface ProjectRepository {
  /** Newest first; `search` filters by title. */
  list(search?: string): Promise<ProjectListItem[]>;
  load(id: string): Promise<Project | null>;
  /** Save what changed since the last save of this project. */
  save(project: Project): Promise<void>;
  remove(id: string): Promise<void>;
}

/** A model the server offers (plain data from the page's server component). */
export interface ModelOption {
  /** `provider:model`, as POST /api/chat expects it. */
  id: string;
  label: string;
  /** Accepts image attachments. */
  images: boolean;
}

/** A template the server can run. */
export interface TemplateOption {
  id: string;
  title: string;
}
