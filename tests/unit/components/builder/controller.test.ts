import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatBody } from "@/app/api/chat/schema";
import type { RunBody } from "@/app/api/sandbox/schema";
import { createBuilderController, RUNTIME_ERROR_DEBOUNCE_MS, type ControllerPrefs } from "@/components/builder/controller";
import { AUTOFIX_LIMIT, AUTOFIX_SAME_ERROR } from "@/components/builder/state/autofix";
import { createBuilderStore } from "@/components/builder/state/store";
import type { ChatEvent, RunEvent } from "@/lib/fragment/protocol";
import { fragment, fresh } from "./fixtures";

type ChatScript = (body: ChatBody, signal: AbortSignal) => AsyncIterable<ChatEvent>;
type RunScript = (body: RunBody) => RunEvent[];

const buildError = (message: string, output = ""): RunEvent => ({
  type: "error",
  step: "building",
  output,
  error: { code: "build_failed", message, requestId: "r", retryable: false },
});
const preview: RunEvent = { type: "result", result: { kind: "preview", url: "/preview/t/", sandboxId: "s", durationMs: 1 } };

async function* answer(...events: ChatEvent[]): AsyncGenerator<ChatEvent> {
  for (const e of events) yield e;
}

function setup(opts: { chat: ChatScript[]; run: RunScript[]; prefs?: Partial<ControllerPrefs> }) {
  const store = createBuilderStore(fresh());
  const chatBodies: ChatBody[] = [];
  const runBodies: RunBody[] = [];
  let ids = 0;
  const controller = createBuilderController({
    store,
    prefs: { autoFix: true, model: "openai:gpt", template: "auto", ...opts.prefs },
    newId: () => `id${++ids}`,
    streamChat: (body, signal) => {
      chatBodies.push(body);
      const script = opts.chat[chatBodies.length - 1];
      if (!script) throw new Error(`no chat script for call ${chatBodies.length}`);
      return script(body, signal!);
    },
    runProject: (body) => {
      runBodies.push(body);
      const script = opts.run[runBodies.length - 1];
      if (!script) throw new Error(`no run script for call ${runBodies.length}`);
      return answer(...(script(body) as never[])) as unknown as AsyncIterable<RunEvent>;
    },
  });
  return { store, controller, chatBodies, runBodies };
}

const settle = () => vi.waitFor(() => new Promise((r) => setTimeout(r, 5)));
const fragmentEvent = (overrides = {}): ChatEvent => ({ type: "fragment", fragment: fragment(overrides), mode: "native" });

afterEach(() => {
  vi.useRealTimers();
});

describe("builder controller", () => {
  it("sends a message, builds a version from the fragment and runs it", async () => {
    const { store, controller, chatBodies, runBodies } = setup({
      chat: [() => answer({ type: "start", model: { id: "openai:gpt", label: "GPT" }, mode: "native" }, fragmentEvent())],
      run: [() => [{ type: "progress", step: "building", message: "Building" }, preview]],
    });
    expect(controller.send("Build a counter")).toBe(true);
    await settle();
    const s = store.getState();
    expect(chatBodies[0]).toMatchObject({ projectId: s.project.id, model: "openai:gpt", template: "auto", messages: [{ role: "user", content: "Build a counter" }] });
    expect(chatBodies[0]?.current).toBeUndefined();
    expect(s.project.versions).toHaveLength(1);
    expect(s.project.messages.at(-1)).toMatchObject({ role: "assistant", version: 1, model: "GPT" });
    expect(runBodies[0]).toMatchObject({ projectId: s.project.id, state: { template: "react", entry: "src/App.tsx", port: null } });
    expect(s.run.status).toBe("done");
  });

  it("sends the current files with a follow-up", async () => {
    const { store, controller, chatBodies } = setup({
      chat: [() => answer(fragmentEvent()), () => answer(fragmentEvent({ files: [{ path: "src/App.tsx", content: "v2" }] }))],
      run: [() => [preview], () => [preview]],
    });
    controller.send("Build");
    await settle();
    controller.send("Change it");
    await settle();
    expect(chatBodies[1]?.current?.template).toBe("react");
    expect(chatBodies[1]?.current?.files.map((f) => f.path)).toEqual(["src/App.tsx", "src/styles.css"]);
    expect(chatBodies[1]?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(store.getState().tab).toBe("diff");
  });

  it("auto-fixes a failing build and stops when the same error comes back", async () => {
    const { store, controller, chatBodies } = setup({
      chat: [() => answer(fragmentEvent()), () => answer(fragmentEvent({ files: [{ path: "src/App.tsx", content: "still broken" }] }))],
      run: [() => [buildError("The build failed.", "src/App.tsx:1:1: ERROR: Unexpected token")], () => [buildError("The build failed.", "src/App.tsx:9:3: ERROR: Unexpected token")]],
    });
    controller.send("Build");
    await settle();
    expect(chatBodies).toHaveLength(2);
    const fix = store.getState().project.messages.find((m) => m.autoFix);
    expect(fix).toMatchObject({ role: "user", autoFix: true, fixOf: expect.stringContaining("build:") });
    expect(fix?.content).toContain("Unexpected token");
    expect(chatBodies[1]?.messages.at(-1)?.content).toBe(fix?.content);
    const s = store.getState();
    expect(s.autofix.status).toEqual({ kind: "stopped", reason: AUTOFIX_SAME_ERROR });
    expect(s.failure).not.toBeNull();
  });

  it("makes at most two automatic attempts per message", async () => {
    const { store, controller, chatBodies } = setup({
      chat: [() => answer(fragmentEvent()), () => answer(fragmentEvent()), () => answer(fragmentEvent())],
      run: [() => [buildError("Error A")], () => [buildError("Error B")], () => [buildError("Error C")]],
    });
    controller.send("Build");
    await settle();
    expect(chatBodies).toHaveLength(3);
    expect(store.getState().autofix).toMatchObject({ attempts: 2, status: { kind: "stopped", reason: AUTOFIX_LIMIT } });
  });

  it("does not auto-fix when switched off, but a manual fix still goes out", async () => {
    const { store, controller, chatBodies } = setup({
      prefs: { autoFix: false },
      chat: [() => answer(fragmentEvent()), () => answer(fragmentEvent())],
      run: [() => [buildError("Error A")], () => [preview]],
    });
    controller.send("Build");
    await settle();
    expect(chatBodies).toHaveLength(1);
    expect(controller.fix()).toBe(true);
    await settle();
    expect(store.getState().project.messages.filter((m) => m.fixOf && !m.autoFix)).toHaveLength(1);
    expect(store.getState().run.status).toBe("done");
  });

  it("Stop aborts the stream and marks the turn stopped", async () => {
    const { store, controller } = setup({
      chat: [
        (_body, signal) =>
          (async function* () {
            yield { type: "partial", fragment: { title: "Cou" } } as ChatEvent;
            await new Promise((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }))));
          })(),
      ],
      run: [],
    });
    controller.send("Build");
    await settle();
    expect(store.getState().turn).not.toBeNull();
    controller.stop();
    await settle();
    expect(store.getState().turn).toBeNull();
    expect(store.getState().project.messages.at(-1)?.error?.code).toBe("stopped");
  });

  it("Retry sends the same request again", async () => {
    const { store, controller, chatBodies } = setup({
      chat: [() => answer({ type: "error", error: { code: "timeout", message: "Too slow.", requestId: "r1", retryable: true } }), () => answer(fragmentEvent())],
      run: [() => [preview]],
    });
    controller.send("Build");
    await settle();
    const failed = store.getState().project.messages.at(-1);
    expect(failed?.error).toMatchObject({ code: "timeout" });
    controller.retry(failed!.id);
    await settle();
    expect(chatBodies[1]).toEqual(chatBodies[0]);
    expect(store.getState().project.versions).toHaveLength(1);
  });

  it("debounces and dedupes runtime errors from the preview before auto-fixing", async () => {
    const { store, controller, chatBodies } = setup({
      chat: [() => answer(fragmentEvent()), () => answer(fragmentEvent())],
      run: [() => [preview], () => [preview]],
    });
    controller.send("Build");
    await settle();
    vi.useFakeTimers();
    const error = { source: "tessera-preview" as const, type: "error" as const, message: "x is not defined" };
    controller.reportRuntimeError(error);
    controller.reportRuntimeError({ ...error, line: 4 });
    controller.reportRuntimeError(error);
    expect(chatBodies).toHaveLength(1);
    vi.advanceTimersByTime(RUNTIME_ERROR_DEBOUNCE_MS);
    vi.useRealTimers();
    await settle();
    expect(chatBodies).toHaveLength(2);
    const fixes = store.getState().project.messages.filter((m) => m.autoFix);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]?.content).toContain("x is not defined");
  });

  it("restoring a version runs the copy", async () => {
    const { store, controller, runBodies } = setup({
      chat: [() => answer(fragmentEvent()), () => answer(fragmentEvent({ files: [{ path: "src/App.tsx", content: "v2" }] }))],
      run: [() => [preview], () => [preview], () => [preview]],
    });
    controller.send("Build");
    await settle();
    controller.send("Change");
    await settle();
    controller.restore(1);
    await settle();
    const s = store.getState();
    expect(s.project.versions.at(-1)).toMatchObject({ n: 3, source: "restore", restoredFrom: 1 });
    expect(runBodies[2]?.state.files).toEqual(s.project.versions[0]?.files);
  });

  it("does nothing without a model", () => {
    const { controller, chatBodies } = setup({ prefs: { model: null }, chat: [], run: [] });
    expect(controller.send("Build")).toBe(false);
    expect(chatBodies).toHaveLength(0);
  });
});
