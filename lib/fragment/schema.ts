import { z } from "zod";
import { AppError } from "../errors";
import { isNpmSpec, isPipSpec } from "./dependencies";
import { normalizeSandboxPath } from "./paths";

/**
 * The fragment: what a model writes and what a sandbox runs. One module shared by lib/ai (which
 * validates a model's output), lib/sandbox's runner (which validates again before writing) and the
 * browser (which shows files as they stream). Nothing here imports server-only code.
 *
 * Two shapes:
 * - `modelFragmentSchema` is what the model is asked for: plain types only, so every provider's
 *   JSON-schema dialect can express it. Its files are the ones added or changed in this turn;
 *   `deleted` names files to remove (follow-ups send the current project and get a change set).
 * - `fragmentSchema` is the checked result (DESIGN 4.4): every path normalized and refused if
 *   unsafe, sizes and counts capped, dependency names checked against the npm / PyPI grammar.
 */

export const LOCAL_TEMPLATES = ["react", "vue", "html", "python"] as const;
export type LocalTemplate = (typeof LOCAL_TEMPLATES)[number];

export const FRAGMENT_LIMITS = {
  maxFiles: 100,
  maxFileBytes: 256 * 1024,
  maxTotalBytes: 2 * 1024 * 1024,
  maxDependencies: 30,
  maxTitle: 120,
  maxDescription: 1000,
  maxCommentary: 8000,
} as const;

export const modelFragmentSchema = z.object({
  title: z.string().describe("Short name of the app, a few words."),
  description: z.string().describe("One or two sentences on what the app does."),
  template: z.string().describe("One of the template ids offered in the instructions."),
  commentary: z.string().describe("What you built or changed and why, for the person reading the chat."),
  files: z
    .array(z.object({ path: z.string().describe("Relative path, e.g. src/App.tsx"), content: z.string().describe("The whole file.") }))
    .describe("Every file added or changed in this turn, each with its complete content."),
  deleted: z.array(z.string()).describe("Paths of files to delete; empty when none."),
  dependencies: z
    .object({ npm: z.array(z.string()), pip: z.array(z.string()) })
    .describe("Packages the code imports beyond the template's own, e.g. {\"npm\":[\"zustand\"],\"pip\":[]}."),
  entry: z.string().describe("The entry file of the app."),
  port: z.number().nullable().describe("Port a server-style app listens on; null for static builds and scripts."),
});
export type ModelFragment = z.infer<typeof modelFragmentSchema>;

const byteLength = (s: string) => new TextEncoder().encode(s).byteLength;

/** A zod string that must be a safe sandbox path; the issue message is the path rule's own. */
export const safePath = z.string().transform((value, ctx) => {
  try {
    return normalizeSandboxPath(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof AppError ? err.message : "is not a valid path." });
    return z.NEVER;
  }
});

export const fragmentFileSchema = z.object({
  path: safePath,
  content: z.string().refine((s) => byteLength(s) <= FRAGMENT_LIMITS.maxFileBytes, {
    error: `is larger than ${FRAGMENT_LIMITS.maxFileBytes / 1024} KiB; split it into smaller files.`,
  }),
});
export type FragmentFile = z.output<typeof fragmentFileSchema>;

export const fileSetSchema = z
  .array(fragmentFileSchema)
  .max(FRAGMENT_LIMITS.maxFiles, { error: `has more than ${FRAGMENT_LIMITS.maxFiles} files; a fragment holds at most ${FRAGMENT_LIMITS.maxFiles}.` })
  .superRefine((files, ctx) => {
    const seen = new Set<string>();
    let total = 0;
    for (const [i, f] of files.entries()) {
      if (seen.has(f.path)) ctx.addIssue({ code: "custom", path: [i, "path"], message: `"${f.path}" appears twice.` });
      seen.add(f.path);
      total += byteLength(f.content);
    }
    if (total > FRAGMENT_LIMITS.maxTotalBytes) {
      ctx.addIssue({ code: "custom", message: `add up to more than ${FRAGMENT_LIMITS.maxTotalBytes / 1048576} MiB.` });
    }
  });

export const dependenciesSchema = z.object({
  npm: z
    .array(z.string().refine(isNpmSpec, { error: "is not an npm package name (optionally @version)." }))
    .max(FRAGMENT_LIMITS.maxDependencies)
    .default([]),
  pip: z
    .array(z.string().refine(isPipSpec, { error: "is not a PyPI package name (optionally ==version)." }))
    .max(FRAGMENT_LIMITS.maxDependencies)
    .default([]),
});
export type Dependencies = z.output<typeof dependenciesSchema>;

export const fragmentSchema = z.object({
  title: z.string().trim().min(1, { error: "is empty." }).max(FRAGMENT_LIMITS.maxTitle),
  description: z.string().max(FRAGMENT_LIMITS.maxDescription).default(""),
  template: z.string().min(1).max(64),
  commentary: z.string().max(FRAGMENT_LIMITS.maxCommentary).default(""),
  files: fileSetSchema,
  deleted: z.array(safePath).max(FRAGMENT_LIMITS.maxFiles).default([]),
  dependencies: dependenciesSchema.default({ npm: [], pip: [] }),
  entry: safePath,
  port: z.number().int().min(1).max(65535).nullable().default(null),
});
export type Fragment = z.output<typeof fragmentSchema>;

/** A runnable project state: the full file set of one version (what /api/sandbox runs). */
export const projectStateSchema = z.object({
  template: z.string().min(1).max(64),
  files: fileSetSchema.refine((f) => f.length > 0, { error: "is empty; there is nothing to run." }),
  dependencies: dependenciesSchema.default({ npm: [], pip: [] }),
  entry: safePath,
  port: z.number().int().min(1).max(65535).nullable().default(null),
});
export type ProjectState = z.output<typeof projectStateSchema>;

/**
 * Apply a change set to the current files: changed and added files replace or join, deleted ones
 * go. Order is kept stable (existing files first, in their order) so diffs and tabs do not jump.
 */
export function applyFragment(current: readonly FragmentFile[], fragment: Pick<Fragment, "files" | "deleted">): FragmentFile[] {
  const deleted = new Set(fragment.deleted);
  const incoming = new Map(fragment.files.map((f) => [f.path, f]));
  const out: FragmentFile[] = [];
  for (const file of current) {
    if (deleted.has(file.path)) continue;
    const replacement = incoming.get(file.path);
    out.push(replacement ?? file);
    incoming.delete(file.path);
  }
  for (const file of incoming.values()) if (!deleted.has(file.path)) out.push(file);
  return out;
}
