import type { PreviewErrorMessage } from "@/lib/fragment/protocol";
import { runProject as defaultRunProject, streamChat as defaultStreamChat, toStreamError } from "./api";
import { newId as defaultNewId } from "./ids";
import { decideAutoFix, failureFromRuntime, fixMessageText, type Failure } from "./state/autofix";
import { chatRequestBody } from "./state/chat-request";
import { emptyProject, versionOf, type ExampleFragment } from "./state/project";
import type { BuilderState } from "./state/reducer";
import type { BuilderStore } from "./state/store";
import type { BuilderMessage, ImageAttachment, Project } from "./types";

/**
 * The builder's side effects, outside React so they can hold abort controllers and timers without
 * effects-in-render puzzles: chat turns, runs, fixes and auto-fix. Every state change goes through
 * the store's reducer; this only decides when to call the API and what to dispatch.
 */

export interface ControllerPrefs {
  autoFix: boolean;
  /** The chosen model id; null when the server has none configured. */
  model: string | null;
  template: string;
}

export interface ControllerDeps {
  store: BuilderStore;
  /** The choices at creation; `setPrefs` keeps them current (async work reads them when it acts). */
  prefs: ControllerPrefs;
  streamChat?: typeof defaultStreamChat;
  runProject?: typeof defaultRunProject;
  newId?: () => string;
  now?: () => Date;
  /**
   * Called before each chat or run request: the server serves only projects it has, so the
   * project is saved first. A rejection is shown as that request's failure.
   */
  beforeRequest?: () => Promise<void>;
}

/** Runtime errors come in bursts (one per frame of a broken render loop): collect, then report once. */
export const RUNTIME_ERROR_DEBOUNCE_MS = 1000;
const MAX_BUFFERED_RUNTIME_ERRORS = 20;

export type BuilderController = ReturnType<typeof createBuilderController>;

export function createBuilderController(deps: ControllerDeps) {
  const { store } = deps;
  let currentPrefs = deps.prefs;
  const prefs = () => currentPrefs;
  const streamChat = deps.streamChat ?? defaultStreamChat;
  const runProject = deps.runProject ?? defaultRunProject;
  const newId = deps.newId ?? defaultNewId;
  const now = deps.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const beforeRequest = deps.beforeRequest ?? (async () => {});

  let chat: AbortController | null = null;
  let run: AbortController | null = null;
  let runSeq = 0;
  let runtimeBuffer: PreviewErrorMessage[] = [];
  let runtimeRunId = 0;
  let runtimeTimer: ReturnType<typeof setTimeout> | null = null;

  const state = (): BuilderState => store.getState();

  async function startTurn(autoFix: boolean): Promise<void> {
    const model = prefs().model;
    const lastUser = state().project.messages.findLast((m) => m.role === "user");
    if (!model || !lastUser || state().turn) return;
    store.dispatch({ type: "turn/start", turn: { assistantId: newId(), userMessageId: lastUser.id, autoFix }, now: iso() });
    const controller = new AbortController();
    chat = controller;
    let built = false;
    try {
      await beforeRequest();
      if (chat !== controller) return;
      const body = chatRequestBody(state().project, model, prefs().template);
      for await (const event of streamChat(body, controller.signal)) {
        if (chat !== controller) return;
        if (event.type === "start") store.dispatch({ type: "turn/meta", model: event.model, mode: event.mode });
        else if (event.type === "partial") store.dispatch({ type: "turn/partial", partial: event.fragment });
        else if (event.type === "error") {
          store.dispatch({ type: "turn/error", error: event.error, now: iso() });
          return;
        } else {
          store.dispatch({ type: "turn/fragment", fragment: event.fragment, mode: event.mode, now: iso() });
          built = true;
          break;
        }
      }
    } catch (err) {
      // A superseded turn (new project) has nothing left to say.
      if (chat !== controller) return;
      if (controller.signal.aborted) store.dispatch({ type: "turn/stopped", now: iso() });
      else store.dispatch({ type: "turn/error", error: toStreamError(err), now: iso() });
      return;
    } finally {
      if (chat === controller) chat = null;
    }
    if (built) void runVersion(state().project.currentVersion);
  }

  function sendMessage(message: Omit<BuilderMessage, "id" | "role" | "createdAt">, autoFix: boolean): boolean {
    if (!prefs().model || state().turn) return false;
    const full: BuilderMessage = { id: newId(), role: "user", createdAt: iso(), ...message };
    store.dispatch({ type: "message/user", message: full, now: iso() });
    void startTurn(autoFix);
    return true;
  }

  function send(text: string, images: ImageAttachment[] = []): boolean {
    const content = text.trim();
    if (!content && images.length === 0) return false;
    return sendMessage({ content, ...(images.length ? { images } : {}) }, false);
  }

  function sendFix(failure: Failure, auto: boolean): boolean {
    return sendMessage({ content: fixMessageText(failure), fixOf: failure.signature, ...(auto ? { autoFix: true } : {}) }, auto);
  }

  function maybeAutoFix(failure: Failure): void {
    const s = state();
    if (s.turn || !prefs().model || failure.version !== s.project.currentVersion) return;
    const decision = decideAutoFix(s.autofix, failure, { enabled: prefs().autoFix, versionSource: versionOf(s.project, failure.version)?.source });
    if (decision.action === "skip") return;
    store.dispatch({ type: "autofix/decision", decision, signature: failure.signature });
    if (decision.action === "fix") sendFix(failure, true);
  }

  async function runVersion(n: number): Promise<void> {
    const version = versionOf(state().project, n);
    if (!version) return;
    run?.abort();
    const controller = new AbortController();
    run = controller;
    const runId = ++runSeq;
    clearRuntime();
    store.dispatch({ type: "run/start", runId, version: n, now: now().getTime() });
    const { template, files, dependencies, entry, port } = version;
    try {
      await beforeRequest();
      if (run !== controller) return;
      const events = runProject({ projectId: state().project.id, version: n, state: { template, files, dependencies, entry, port } }, controller.signal);
      for await (const event of events) {
        if (run !== controller) return;
        store.dispatch({ type: "run/event", runId, event });
      }
    } catch (err) {
      // Aborted: a newer run (or a new project) took over and owns the state now.
      if (controller.signal.aborted || run !== controller) return;
      store.dispatch({ type: "run/event", runId, event: { type: "error", error: toStreamError(err) } });
    } finally {
      if (run === controller) run = null;
    }
    const s = state();
    if (s.runId === runId && s.failure) maybeAutoFix(s.failure);
  }

  function stopAll(): void {
    chat?.abort();
    run?.abort();
    chat = null;
    run = null;
    clearRuntime();
  }

  function clearRuntime(): void {
    if (runtimeTimer) clearTimeout(runtimeTimer);
    runtimeTimer = null;
    runtimeBuffer = [];
  }

  function flushRuntime(): void {
    runtimeTimer = null;
    const errors = runtimeBuffer;
    runtimeBuffer = [];
    const before = state();
    if (runtimeRunId !== before.runId || errors.length === 0) return;
    store.dispatch({ type: "runtime/errors", runId: runtimeRunId, errors });
    const after = state();
    // Only new errors (the reducer dedupes) can start a fix.
    if (after !== before && after.failure?.kind === "runtime") maybeAutoFix(after.failure);
  }

  function reportRuntimeError(error: PreviewErrorMessage): void {
    const s = state();
    if (s.run.status !== "done" || s.run.result.kind !== "preview") return;
    if (runtimeRunId !== s.runId) {
      clearRuntime();
      runtimeRunId = s.runId;
    }
    if (runtimeBuffer.length < MAX_BUFFERED_RUNTIME_ERRORS) runtimeBuffer.push(error);
    runtimeTimer ??= setTimeout(flushRuntime, RUNTIME_ERROR_DEBOUNCE_MS);
  }

  return {
    setPrefs(next: ControllerPrefs): void {
      currentPrefs = next;
    },
    send,
    stop: () => chat?.abort(),
    retry(messageId: string): void {
      const before = state();
      store.dispatch({ type: "turn/retry", messageId, now: iso() });
      if (state() === before) return;
      const lastUser = state().project.messages.findLast((m) => m.role === "user");
      void startTurn(lastUser?.autoFix === true);
    },
    /** Ask for a fix of the current failure, or of a runtime error the preview passed along. */
    fix(runtimeError?: PreviewErrorMessage): boolean {
      const s = state();
      const failure = runtimeError ? failureFromRuntime(s.runVersion, [runtimeError]) : s.failure;
      return failure ? sendFix(failure, false) : false;
    },
    runVersion,
    runCurrent: () => runVersion(state().project.currentVersion),
    /** Save unsaved edits as a version, then run it. */
    runEdits(): Promise<void> {
      store.dispatch({ type: "edit/commit", now: iso() });
      return runVersion(state().project.currentVersion);
    },
    refresh: () => runVersion(state().runVersion || state().project.currentVersion),
    select(n: number): void {
      store.dispatch({ type: "version/select", n, now: iso() });
      const s = state();
      if (s.project.currentVersion === n && s.runVersion !== n) void runVersion(n);
    },
    restore(n: number): void {
      const before = state();
      store.dispatch({ type: "version/restore", n, now: iso() });
      if (state().project.versions.length > before.project.versions.length) void runVersion(state().project.currentVersion);
    },
    runExample(example: { title: string; description: string; fragment: ExampleFragment }): void {
      if (state().turn) return;
      store.dispatch({ type: "example/load", messageId: newId(), title: example.title, description: example.description, fragment: example.fragment, now: iso() });
      void runVersion(state().project.currentVersion);
    },
    reportRuntimeError,
    newProject(): void {
      stopAll();
      store.dispatch({ type: "project/reset", project: emptyProject(newId(), iso()) });
    },
    /** Switch to a saved project (loaded by the caller). */
    openProject(project: Project): void {
      stopAll();
      store.dispatch({ type: "project/open", project });
    },
    rename(title: string): void {
      store.dispatch({ type: "project/rename", title, now: iso() });
    },
    dispose: stopAll,
  };
}
