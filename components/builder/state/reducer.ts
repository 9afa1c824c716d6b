import type { Fragment } from "@/lib/fragment/schema";
import type { OutputMode, PartialFragment, PreviewErrorMessage, RunEvent, StreamError } from "@/lib/fragment/protocol";
import type { BuilderMessage, GenerationState, Project, RunState } from "../types";
import {
  AUTOFIX_REQUEST_FAILED,
  dedupeRuntimeErrors,
  failureFromRun,
  failureFromRuntime,
  initialAutoFix,
  recordAutoFix,
  type AutoFixDecision,
  type AutoFixState,
  type Failure,
} from "./autofix";
import {
  addVersion,
  appendMessage,
  changedPaths,
  currentVersionOf,
  hasContent,
  latestVersionNumber,
  removeMessage,
  UNTITLED_PROJECT,
  versionFromEdits,
  versionFromExample,
  versionFromFragment,
  versionFromRestore,
  versionOf,
  type ExampleFragment,
} from "./project";
import { applyRunEvent, startRun } from "./run";

/**
 * The builder's whole client state and its transitions. `project` is what persists; the rest is
 * the session around it (a generation in flight, the run, unsaved editor buffers, auto-fix).
 */

export type WorkspaceTab = "code" | "preview" | "diff" | "versions";

export interface Turn {
  assistantId: string;
  userMessageId: string;
  /** The version the request sent as `current` (0: none, a first build). */
  baseVersion: number;
  model?: { id: string; label: string };
  mode?: OutputMode;
  /** A fix sent by auto-fix. */
  autoFix: boolean;
}

export interface BuilderState {
  project: Project;
  generation: GenerationState;
  turn: Turn | null;
  run: RunState;
  /** Only events of this run are applied; a superseded run's late events are dropped. */
  runId: number;
  runVersion: number;
  runtimeErrors: PreviewErrorMessage[];
  /** Unsaved editor buffers of the current version, by path. */
  edits: Record<string, string>;
  /** The current run's error a model could fix, if any. */
  failure: Failure | null;
  autofix: AutoFixState;
  tab: WorkspaceTab;
  activePath?: string;
  /** A version chosen to compare the current one against (default: the one it was made from). */
  compareFrom?: number;
  notice: string | null;
}

export type BuilderAction =
  | { type: "project/load"; project: Project }
  | { type: "project/reset"; project: Project }
  | { type: "project/open"; project: Project }
  | { type: "project/rename"; title: string; now: string }
  | { type: "message/user"; message: BuilderMessage; now: string }
  | { type: "turn/start"; turn: Omit<Turn, "baseVersion">; now: string }
  | { type: "turn/meta"; model: { id: string; label: string }; mode: OutputMode }
  | { type: "turn/partial"; partial: PartialFragment }
  | { type: "turn/fragment"; fragment: Fragment; mode: OutputMode; now: string }
  | { type: "turn/error"; error: NonNullable<BuilderMessage["error"]>; now: string }
  | { type: "turn/stopped"; now: string }
  | { type: "turn/retry"; messageId: string; now: string }
  | { type: "edit/change"; path: string; content: string }
  | { type: "edit/commit"; now: string }
  | { type: "version/select"; n: number; now: string }
  | { type: "version/restore"; n: number; now: string }
  | { type: "example/load"; messageId: string; title: string; description: string; fragment: ExampleFragment; now: string }
  | { type: "run/start"; runId: number; version: number; now: number }
  | { type: "run/event"; runId: number; event: RunEvent }
  | { type: "runtime/errors"; runId: number; errors: PreviewErrorMessage[] }
  | { type: "autofix/decision"; decision: AutoFixDecision; signature: string }
  | { type: "ui/tab"; tab: WorkspaceTab }
  | { type: "ui/file"; path: string }
  | { type: "ui/compare"; from: number | undefined }
  | { type: "notice/set"; notice: string | null };

export function initialBuilderState(project: Project): BuilderState {
  return {
    project,
    generation: { status: "idle" },
    turn: null,
    run: { status: "idle" },
    runId: 0,
    runVersion: 0,
    runtimeErrors: [],
    edits: {},
    failure: null,
    autofix: initialAutoFix,
    tab: "code",
    notice: null,
  };
}

/**
 * A saved project as it opens: its last run shown again when it ran the version now current (the
 * server kept the result), the first file open.
 */
export function openedState(project: Project): BuilderState {
  const state = { ...initialBuilderState(project), activePath: pickActivePath(undefined, project) };
  const last = project.lastRun;
  if (!last || last.version !== project.currentVersion || !versionOf(project, last.version)) return state;
  return { ...state, run: { status: "done", result: last.result, output: "", version: last.version }, runVersion: last.version, tab: "preview" };
}

export const STOPPED_ERROR: StreamError = {
  code: "stopped",
  message: "You stopped this answer before it finished.",
  requestId: "",
  retryable: true,
};

/** Unsaved edits become a version before anything else changes the current one, so none are lost. */
function commitEdits(state: BuilderState, now: string): BuilderState {
  const base = currentVersionOf(state.project);
  if (!base || Object.keys(state.edits).length === 0) return state;
  return { ...state, project: addVersion(state.project, versionFromEdits(base, state.edits), now), edits: {} };
}

/** The file to show: a preferred one (what a turn changed), else the one open, else the first. */
function pickActivePath(current: string | undefined, project: Project, prefer: readonly string[] = []): string | undefined {
  const files = currentVersionOf(project)?.files ?? [];
  const paths = new Set(files.map((f) => f.path));
  return prefer.find((p) => paths.has(p)) ?? (current !== undefined && paths.has(current) ? current : files[0]?.path);
}

const titled = (project: Project, title: string): Project =>
  project.title === UNTITLED_PROJECT && title.trim() ? { ...project, title: title.trim() } : project;

function finishTurn(state: BuilderState, project: Project): BuilderState {
  return { ...state, project, turn: null, generation: { status: "idle" } };
}

function onFragment(state: BuilderState, turn: Turn, fragment: Fragment, mode: OutputMode, now: string): BuilderState {
  const base = versionOf(state.project, turn.baseVersion);
  const input = versionFromFragment(base, fragment);
  let project = addVersion(state.project, input, now);
  const n = latestVersionNumber(project);
  const assistant: BuilderMessage = {
    id: turn.assistantId,
    role: "assistant",
    content: fragment.commentary.trim() || `Built **${fragment.title}**.`,
    createdAt: now,
    version: n,
    mode,
    ...(turn.model ? { model: turn.model.label } : {}),
  };
  project = titled(appendMessage(project, assistant, now), fragment.title);
  const changes = changedPaths(base?.files ?? [], input.files);
  // A follow-up shows what it changed; a first build (or a change of template) shows the app.
  const followUp = base !== undefined && base.template === fragment.template && changes.length > 0;
  const next = finishTurn(state, project);
  return { ...next, edits: {}, compareFrom: undefined, tab: followUp ? "diff" : "preview", activePath: pickActivePath(state.activePath, project, changes) };
}

function onRunEvent(state: BuilderState, event: RunEvent): BuilderState {
  const run = applyRunEvent(state.run, event, state.runVersion);
  if (run === state.run) return state;
  const failure = run.status === "running" ? state.failure : failureFromRun(run);
  let autofix = state.autofix;
  // A fix that ran clean ends the "fixing" notice; the attempt still counts until the person writes.
  if (run.status !== "running" && !failure && autofix.status.kind === "fixing") autofix = { ...autofix, status: { kind: "idle" } };
  return { ...state, run, failure, autofix };
}

export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  switch (action.type) {
    case "project/load":
      // Work started before the saved project arrived wins over it.
      if (hasContent(state.project)) return state;
      return { ...openedState(action.project), notice: state.notice };
    case "project/open":
      return openedState(action.project);
    case "project/reset":
      return initialBuilderState(action.project);
    case "project/rename": {
      const title = action.title.trim();
      if (!title || title === state.project.title) return state;
      return { ...state, project: { ...state.project, title, updatedAt: action.now } };
    }
    case "message/user": {
      const project = appendMessage(state.project, action.message, action.now);
      return { ...state, project, autofix: action.message.autoFix ? state.autofix : initialAutoFix };
    }
    case "turn/start": {
      const committed = commitEdits(state, action.now);
      const turn: Turn = { ...action.turn, baseVersion: committed.project.currentVersion };
      return { ...committed, turn, generation: { status: "streaming" }, failure: null };
    }
    case "turn/meta":
      return state.turn ? { ...state, turn: { ...state.turn, model: action.model, mode: action.mode } } : state;
    case "turn/partial":
      return state.turn ? { ...state, generation: { status: "streaming", partial: action.partial } } : state;
    case "turn/fragment":
      return state.turn ? onFragment(state, state.turn, action.fragment, action.mode, action.now) : state;
    case "turn/error":
    case "turn/stopped": {
      const turn = state.turn;
      if (!turn) return state;
      const error = action.type === "turn/error" ? action.error : STOPPED_ERROR;
      const message: BuilderMessage = {
        id: turn.assistantId,
        role: "assistant",
        content: "",
        createdAt: action.now,
        error,
        ...(turn.model ? { model: turn.model.label } : {}),
      };
      const next = finishTurn(state, appendMessage(state.project, message, action.now));
      const autofix = turn.autoFix ? { ...state.autofix, status: { kind: "stopped" as const, reason: AUTOFIX_REQUEST_FAILED } } : state.autofix;
      return { ...next, autofix };
    }
    case "turn/retry": {
      const last = state.project.messages.at(-1);
      if (state.turn || !last || last.id !== action.messageId || !last.error) return state;
      return { ...state, project: removeMessage(state.project, action.messageId, action.now) };
    }
    case "edit/change": {
      const file = currentVersionOf(state.project)?.files.find((f) => f.path === action.path);
      if (!file || state.turn) return state;
      const edits = { ...state.edits };
      if (file.content === action.content) delete edits[action.path];
      else edits[action.path] = action.content;
      return { ...state, edits };
    }
    case "edit/commit":
      return commitEdits(state, action.now);
    case "version/select": {
      if (state.turn) return state;
      const committed = commitEdits(state, action.now);
      if (!versionOf(committed.project, action.n)) return committed;
      const project = { ...committed.project, currentVersion: action.n };
      return { ...committed, project, compareFrom: undefined, activePath: pickActivePath(committed.activePath, project) };
    }
    case "version/restore": {
      if (state.turn) return state;
      const committed = commitEdits(state, action.now);
      const restored = versionOf(committed.project, action.n);
      if (!restored) return committed;
      const project = addVersion(committed.project, versionFromRestore(restored, committed.project.currentVersion), action.now);
      return { ...committed, project, compareFrom: undefined, activePath: pickActivePath(committed.activePath, project) };
    }
    case "example/load": {
      if (state.turn) return state;
      const committed = commitEdits(state, action.now);
      let project = addVersion(committed.project, versionFromExample(action.fragment, committed.project.currentVersion || undefined), action.now);
      const message: BuilderMessage = {
        id: action.messageId,
        role: "assistant",
        content: `Loaded the example **${action.title}**: ${action.description}`,
        createdAt: action.now,
        version: latestVersionNumber(project),
      };
      project = titled(appendMessage(project, message, action.now), action.title);
      return { ...committed, project, tab: "preview", compareFrom: undefined, activePath: pickActivePath(undefined, project, [action.fragment.entry]) };
    }
    case "run/start":
      return { ...state, run: startRun(action.now), runId: action.runId, runVersion: action.version, runtimeErrors: [], failure: null };
    case "run/event":
      return action.runId === state.runId ? onRunEvent(state, action.event) : state;
    case "runtime/errors": {
      if (action.runId !== state.runId || state.run.status !== "done") return state;
      const runtimeErrors = dedupeRuntimeErrors([...state.runtimeErrors, ...action.errors]);
      if (runtimeErrors.length === state.runtimeErrors.length) return state;
      // A build or Python failure stays the headline; runtime errors only fill an empty slot.
      const failure = state.failure && state.failure.kind !== "runtime" ? state.failure : failureFromRuntime(state.runVersion, runtimeErrors);
      return { ...state, runtimeErrors, failure };
    }
    case "autofix/decision":
      return { ...state, autofix: recordAutoFix(state.autofix, action.decision, action.signature) };
    case "ui/tab":
      return state.tab === action.tab ? state : { ...state, tab: action.tab };
    case "ui/file":
      return { ...state, activePath: action.path };
    case "ui/compare":
      return { ...state, compareFrom: action.from, tab: action.from === undefined ? state.tab : "diff" };
    case "notice/set":
      return state.notice === action.notice ? state : { ...state, notice: action.notice };
  }
}
