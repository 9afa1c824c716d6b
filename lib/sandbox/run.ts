import "server-only";
import path from "node:path";
import { env } from "../env";
import { log } from "../log";
import { AppError } from "../errors";
import type { RunEvent, RunResult, RunStep } from "../fragment/protocol";
import { projectStateSchema, type ProjectState } from "../fragment/schema";
import { previewStore } from "../preview";
import type { SandboxPool } from "./pool";
import { RunError, retryable } from "./run-error";
import { checkReserved, syncFiles } from "./run-files";
import { alreadyInstalled, install, installPlan, InstallError, uninstall } from "./run-install";
import { build, execute, startCommand, startServer } from "./run-steps";
import { runTemplate, type RunTemplate } from "./run-templates";
import type { Sandbox, SandboxProvider } from "./types";

export { RunError } from "./run-error";

export interface RunOptions {
  provider: SandboxProvider;
  pool?: SandboxPool;
  ownerId: string;
  projectId: string;
  /** Untrusted: validated again here, whoever checked it before. */
  state: unknown;
  signal?: AbortSignal;
  onEvent: (event: RunEvent) => void;
  /** Local templates' directory (templates/ under the working directory by default). */
  templatesDir?: string;
  /** Origin published previews are served from (PREVIEW_ORIGIN by default; "" is the app's own). */
  previewOrigin?: string;
  /**
   * At the owner's sandbox cap, stop the owner's sandbox of the project used longest ago to make
   * room (told to `onStopped`) instead of failing.
   */
  makeRoom?: { onStopped?: (sandboxId: string) => void };
}

/** A project's sandbox lives this long after its last run. */
export const SANDBOX_TTL_MS = 15 * 60_000;

// One run per project at a time, so two quick runs cannot race to create two sandboxes or
// interleave their writes; a later run waits for the earlier one.
const running = new Map<string, Promise<unknown>>();

/**
 * Runs a project state in the project's sandbox: create or reuse it, write the files (removing
 * those that left the project), install declared packages, then build and publish, start a
 * server, or run the Python entry. Each step is announced with a `progress` event. A failing step
 * is reported as an `error` event carrying the step and its output, and the promise rejects with
 * a RunError; an aborted `signal` rejects with its reason between steps (a running build is
 * killed).
 */
export async function runProject(options: RunOptions): Promise<RunResult> {
  const key = `${options.ownerId}\n${options.projectId}`;
  const before = running.get(key) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(() => run(options));
  running.set(key, mine);
  try {
    return await mine;
  } finally {
    if (running.get(key) === mine) running.delete(key);
  }
}

async function run(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const { onEvent, signal } = options;
  let step: RunStep = "writing";
  const progress = (next: RunStep, message: string) => {
    if (signal?.aborted) throw signal.reason ?? new Error("aborted");
    step = next;
    onEvent({ type: "progress", step, message });
  };
  try {
    // Everything is checked before a sandbox is touched: a bad state writes nothing anywhere.
    const state = validate(options.state);
    const templatesDir = options.templatesDir ?? path.join(process.cwd(), "templates");
    const template = runTemplate(options.provider, templatesDir, state.template);
    checkReserved(state.files, template.reserved);
    const plan = installPlan(state.dependencies, template);
    if (template.serve === "none" && !state.files.some((f) => f.path === state.entry)) {
      throw new AppError("bad_request:validation", `The entry file ${state.entry} is not among the project's files.`);
    }

    step = "creating";
    const sandbox = await sandboxFor(options, template, progress);

    progress("writing", `Writing ${state.files.length} file${state.files.length === 1 ? "" : "s"}…`);
    const synced = await syncFiles(sandbox, state.files, template.reserved);
    if (synced.removed.length > 0) onEvent({ type: "output", stream: "stdout", text: `Removed ${synced.removed.join(", ")}\n` });

    for (const manager of ["npm", "pip"] as const) {
      const specs = plan[manager];
      if (specs.length > 0 && !template.managers.includes(manager)) {
        onEvent({ type: "output", stream: "stderr", text: `Ignored ${manager} packages (${specs.join(", ")}): the ${template.id} template does not use ${manager}.\n` });
        continue;
      }
      if (!template.managers.includes(manager)) continue;
      if (specs.length === 0) {
        await uninstall(sandbox, template, manager);
      } else if (await alreadyInstalled(sandbox, manager, specs)) {
        progress("installing", `Packages already installed: ${specs.join(", ")}`);
      } else {
        progress("installing", `Installing ${specs.join(", ")}…`);
        await install(sandbox, template, manager, specs, (stream, text) => onEvent({ type: "output", stream, text }));
      }
    }

    const result = await show(sandbox, template, state, options, progress);
    return { ...result, durationMs: Math.round(performance.now() - started) } as RunResult;
  } catch (err) {
    if (signal?.aborted && !(err instanceof AppError)) throw err;
    const failure = asRunError(err, step);
    onEvent({
      type: "error",
      error: { code: failure.code, message: failure.message, requestId: "", retryable: retryable(failure.code) },
      step: failure.step,
      ...(failure.output ? { output: failure.output } : {}),
    });
    throw failure;
  }
}

function validate(input: unknown): ProjectState {
  const parsed = projectStateSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = fields[0];
  throw new AppError("bad_request:validation", `The project cannot run: ${first ? `${first.path || "state"} ${first.message}` : "it is not a valid project."}`, { fields });
}

type Progress = (step: RunStep, message: string) => void;

/** The project's running sandbox, or a new one (from the warm pool when there is one). */
async function sandboxFor(options: RunOptions, template: RunTemplate, progress: Progress): Promise<Sandbox> {
  const { provider, ownerId, projectId } = options;
  try {
    const mine = (await provider.list(ownerId)).filter((s) => s.projectId === projectId && s.status === "running");
    // A project has one sandbox: one left from another template is stopped.
    for (const other of mine.filter((s) => s.template !== template.id)) await provider.kill(other.id, ownerId).catch(() => {});
    const current = mine.find((s) => s.template === template.id);
    if (current) {
      progress("creating", "Reusing the project's sandbox");
      const sandbox = await provider.connect(current.id, ownerId);
      await sandbox.setTimeout(SANDBOX_TTL_MS);
      return sandbox;
    }
    progress("creating", "Starting a sandbox…");
    const create = { template: template.id, ownerId, projectId, timeoutMs: SANDBOX_TTL_MS };
    const start = () => (options.pool ? options.pool.acquire(create) : provider.create(create));
    // At the per-owner cap, the sandbox of the project used longest ago makes room: the person
    // is working here now, and the other project's sandbox comes back on its next run. Another
    // run may take the room first, so this repeats (a few times at most).
    for (let attempt = 0; ; attempt++) {
      try {
        return await start();
      } catch (err) {
        if (!(err instanceof AppError && err.code === "rate_limit:quota") || !options.makeRoom) throw err;
        const others = (await provider.list(ownerId)).filter((s) => s.projectId !== projectId && s.status === "running");
        const oldest = others.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())[0];
        if (!oldest || attempt >= 3) {
          log().warn({ event: "sandbox.cap", others: others.length, attempt }, "at the sandbox cap with nothing to stop");
          throw err;
        }
        // The room is free as soon as the kill starts (the sandbox leaves the owner's list at
        // once); its processes end in the background instead of on this run's clock.
        void provider.kill(oldest.id, ownerId).catch((err) => log().warn({ err, sandboxId: oldest.id }, "could not stop a sandbox to make room"));
        options.makeRoom.onStopped?.(oldest.id);
        log().info({ event: "sandbox.made_room", stopped: oldest.id, for: projectId }, "stopped a sandbox to make room");
        progress("creating", "Stopped the sandbox of a project you used longer ago, to make room…");
      }
    }
  } catch (err) {
    if (err instanceof AppError && err.code !== "internal") throw err;
    if (options.signal?.aborted) throw err;
    // An unexplained failure to create: say what is wrong with the provider if it knows.
    const preflight = await provider.preflight().catch(() => ({ ok: false, problem: undefined }));
    throw new AppError("unavailable:sandbox", preflight.problem ?? "The sandbox could not be started; try again shortly.");
  }
}

type Shown = Omit<Extract<RunResult, { kind: "preview" }>, "durationMs"> | Omit<Extract<RunResult, { kind: "execution" }>, "durationMs">;

async function show(sandbox: Sandbox, template: RunTemplate, state: ProjectState, options: RunOptions, progress: Progress): Promise<Shown> {
  const emit = options.onEvent;
  const sandboxId = sandbox.info.id;
  if (template.serve === "static") {
    progress("building", "Building the app…");
    await build(sandbox, template, emit, options.signal);
    progress("publishing", "Publishing the preview…");
    const preview = await previewStore().publish(sandbox, template.output ?? "dist");
    const origin = options.previewOrigin ?? env().PREVIEW_ORIGIN ?? "";
    return { kind: "preview", url: `${origin}/preview/${preview.token}/`, sandboxId };
  }
  const port = state.port ?? template.port;
  if (template.serve === "server" || port) {
    if (!port) throw new AppError("bad_request:validation", `The ${template.id} template serves an app, but no port was given.`);
    const argv = startCommand(template, state.entry);
    progress("starting", argv ? `Starting the app on port ${port}…` : `Waiting for the app on port ${port}…`);
    await startServer(sandbox, template, argv, port, emit, options.signal);
    return { kind: "preview", url: await sandbox.preview(port), sandboxId };
  }
  progress("running", `Running ${state.entry}…`);
  const code = state.files.find((f) => f.path === state.entry)!.content;
  const execution = await execute(sandbox, code, emit, options.signal);
  return {
    kind: "execution",
    sandboxId,
    stdout: execution.stdout,
    stderr: execution.stderr,
    results: execution.results,
    ...(execution.error ? { error: execution.error } : {}),
  };
}

function asRunError(err: unknown, step: RunStep): RunError {
  if (err instanceof RunError) return err;
  if (err instanceof InstallError) return new RunError(err.code, err.message, "installing", err.output);
  if (err instanceof AppError) return new RunError(err.code, err.message, step);
  // Not one of ours: no detail leaves (it could carry a host path); the original is the cause.
  const failure = new RunError("internal", `Something went wrong while ${STEP_VERB[step]}.`, step);
  (failure as { cause?: unknown }).cause = err;
  return failure;
}

const STEP_VERB: Record<RunStep, string> = {
  creating: "starting the sandbox",
  writing: "writing the files",
  installing: "installing packages",
  building: "building the app",
  starting: "starting the app",
  running: "running the code",
  publishing: "publishing the preview",
};
