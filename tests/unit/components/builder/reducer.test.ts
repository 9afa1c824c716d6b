import { describe, expect, it } from "vitest";
import { selectCodeView, selectDiff, retryableMessage } from "@/components/builder/state/selectors";
import { UNTITLED_PROJECT } from "@/components/builder/state/project";
import { files, fragment, fresh, NOW, reduce, userMessage, withFirstVersion } from "./fixtures";

const LATER = "2026-11-01T10:05:00.000Z";

describe("streaming a fragment", () => {
  it("shows arrived files over the current version's, with the file being written", () => {
    const base = withFirstVersion();
    const streaming = reduce(
      base,
      { type: "message/user", message: userMessage("u2", "Make it blue"), now: LATER },
      { type: "turn/start", turn: { assistantId: "a2", userMessageId: "u2", autoFix: false }, now: LATER },
      {
        type: "turn/partial",
        partial: {
          title: "Counter",
          template: "react",
          files: [
            { path: "src/styles.css", content: "p { color: blue; }" },
            { path: "src/Button.tsx", content: "export const B" },
            // The path is still arriving: not shown until its content starts.
            { path: "src/Hea" },
          ],
        },
      },
    );
    expect(streaming.generation.status).toBe("streaming");
    expect(streaming.turn?.baseVersion).toBe(1);
    const view = selectCodeView(streaming);
    expect(view.files.map((f) => f.path)).toEqual(["src/App.tsx", "src/styles.css", "src/Button.tsx"]);
    expect(view.files.find((f) => f.path === "src/styles.css")?.content).toBe("p { color: blue; }");
    expect(view.streamingPath).toBe("src/Button.tsx");
    expect(view.changedPaths).toEqual(["src/styles.css", "src/Button.tsx"]);
  });

  it("does not lay a fragment for another template over the old files", () => {
    const s = reduce(
      withFirstVersion(),
      { type: "message/user", message: userMessage("u2", "Do it in Python"), now: LATER },
      { type: "turn/start", turn: { assistantId: "a2", userMessageId: "u2", autoFix: false }, now: LATER },
      { type: "turn/partial", partial: { template: "python", files: [{ path: "main.py", content: "print(1)" }] } },
    );
    expect(selectCodeView(s).files.map((f) => f.path)).toEqual(["main.py"]);
  });
});

describe("a complete fragment", () => {
  it("becomes version 1, names the project, and shows the preview", () => {
    const s = withFirstVersion();
    expect(s.project.versions).toHaveLength(1);
    expect(s.project.versions[0]).toMatchObject({ n: 1, source: "model", template: "react", entry: "src/App.tsx" });
    expect(s.project.currentVersion).toBe(1);
    expect(s.project.title).toBe("Counter");
    expect(s.tab).toBe("preview");
    expect(s.turn).toBeNull();
    expect(s.generation.status).toBe("idle");
    const answer = s.project.messages.at(-1);
    expect(answer).toMatchObject({ id: "a1", role: "assistant", content: "Built a counter.", version: 1, mode: "native" });
  });

  it("applies a follow-up's change set to the current files and switches to Changes", () => {
    const s = reduce(
      withFirstVersion(),
      { type: "message/user", message: userMessage("u2", "Blue, and drop the stylesheet"), now: LATER },
      { type: "turn/start", turn: { assistantId: "a2", userMessageId: "u2", autoFix: false }, now: LATER },
      {
        type: "turn/fragment",
        fragment: fragment({
          title: "Blue counter",
          files: [
            { path: "src/App.tsx", content: "export default function App() { return <p className='blue'>0</p>; }" },
            { path: "src/theme.ts", content: "export const blue = '#00f';" },
          ],
          deleted: ["src/styles.css"],
        }),
        mode: "json",
        now: LATER,
      },
    );
    expect(s.project.currentVersion).toBe(2);
    expect(files(s).map((f) => f.path)).toEqual(["src/App.tsx", "src/theme.ts"]);
    expect(files(s)[0]?.content).toContain("blue");
    expect(s.project.versions[1]).toMatchObject({ n: 2, source: "model", parent: 1 });
    // The first fragment named the project; later ones do not rename it.
    expect(s.project.title).toBe("Counter");
    expect(s.tab).toBe("diff");
    expect(selectDiff(s)).toMatchObject({ fromVersion: 1, toVersion: 2 });
    // Version 1 is untouched.
    expect(files(s, 1).map((f) => f.path)).toEqual(["src/App.tsx", "src/styles.css"]);
  });

  it("is ignored when no turn is in flight (a late event after Stop)", () => {
    const s = withFirstVersion();
    expect(reduce(s, { type: "turn/fragment", fragment: fragment(), mode: "native", now: LATER })).toBe(s);
  });
});

describe("failed and stopped turns", () => {
  it("records the error on an assistant message that can be retried, then removes it on retry", () => {
    const failed = reduce(
      fresh(),
      { type: "message/user", message: userMessage("u1"), now: NOW },
      { type: "turn/start", turn: { assistantId: "a1", userMessageId: "u1", autoFix: false }, now: NOW },
      { type: "turn/error", error: { code: "rate_limit", message: "Slow down.", requestId: "r1", retryable: true }, now: NOW },
    );
    expect(failed.turn).toBeNull();
    expect(failed.project.messages.at(-1)).toMatchObject({ id: "a1", error: { code: "rate_limit", requestId: "r1" } });
    expect(retryableMessage(failed)?.id).toBe("a1");
    const retried = reduce(failed, { type: "turn/retry", messageId: "a1", now: NOW });
    expect(retried.project.messages.map((m) => m.id)).toEqual(["u1"]);
  });

  it("marks a stopped turn as such", () => {
    const s = reduce(
      fresh(),
      { type: "message/user", message: userMessage("u1"), now: NOW },
      { type: "turn/start", turn: { assistantId: "a1", userMessageId: "u1", autoFix: false }, now: NOW },
      { type: "turn/stopped", now: NOW },
    );
    expect(s.project.messages.at(-1)?.error?.code).toBe("stopped");
  });
});

describe("editor edits", () => {
  it("keeps a dirty buffer per file and turns it into an edit version", () => {
    const base = withFirstVersion();
    const edited = reduce(base, { type: "edit/change", path: "src/styles.css", content: "p { color: green; }" });
    expect(edited.edits).toEqual({ "src/styles.css": "p { color: green; }" });
    expect(selectCodeView(edited)).toMatchObject({ dirtyPaths: ["src/styles.css"] });
    expect(selectCodeView(edited).files[1]?.content).toBe("p { color: green; }");

    const committed = reduce(edited, { type: "edit/commit", now: LATER });
    expect(committed.edits).toEqual({});
    expect(committed.project.currentVersion).toBe(2);
    expect(committed.project.versions[1]).toMatchObject({ n: 2, source: "edit", parent: 1, title: "Counter" });
    expect(files(committed)[1]?.content).toBe("p { color: green; }");
    expect(files(committed, 1)[1]?.content).toBe("p { color: red; }");
  });

  it("forgets a buffer edited back to the saved content, and commits nothing then", () => {
    const base = withFirstVersion();
    const back = reduce(
      base,
      { type: "edit/change", path: "src/styles.css", content: "x" },
      { type: "edit/change", path: "src/styles.css", content: "p { color: red; }" },
    );
    expect(back.edits).toEqual({});
    expect(reduce(back, { type: "edit/commit", now: LATER }).project.versions).toHaveLength(1);
  });

  it("saves pending edits as a version before a new turn uses the files", () => {
    const s = reduce(
      withFirstVersion(),
      { type: "edit/change", path: "src/App.tsx", content: "edited" },
      { type: "message/user", message: userMessage("u2", "More"), now: LATER },
      { type: "turn/start", turn: { assistantId: "a2", userMessageId: "u2", autoFix: false }, now: LATER },
    );
    expect(s.project.versions.map((v) => v.source)).toEqual(["model", "edit"]);
    expect(s.turn?.baseVersion).toBe(2);
  });
});

describe("restoring a version", () => {
  it("creates a new version that copies the old files", () => {
    const two = reduce(withFirstVersion(), { type: "edit/change", path: "src/App.tsx", content: "v2" }, { type: "edit/commit", now: LATER });
    const restored = reduce(two, { type: "version/restore", n: 1, now: LATER });
    expect(restored.project.currentVersion).toBe(3);
    expect(restored.project.versions[2]).toMatchObject({ n: 3, source: "restore", restoredFrom: 1, parent: 2 });
    expect(files(restored)).toEqual(files(restored, 1));
    expect(files(restored)).not.toBe(files(restored, 1));
  });

  it("selecting a version only changes which one is current", () => {
    const two = reduce(withFirstVersion(), { type: "edit/change", path: "src/App.tsx", content: "v2" }, { type: "edit/commit", now: LATER });
    const selected = reduce(two, { type: "version/select", n: 1, now: LATER });
    expect(selected.project.currentVersion).toBe(1);
    expect(selected.project.versions).toHaveLength(2);
  });
});

describe("examples", () => {
  it("load as an example version with a message pointing at it", () => {
    const s = reduce(fresh(), {
      type: "example/load",
      messageId: "m1",
      title: "Habit tracker",
      description: "Daily habits.",
      fragment: { ...fragment({ title: "Habit tracker" }) },
      now: NOW,
    });
    expect(s.project.versions[0]).toMatchObject({ n: 1, source: "example" });
    expect(s.project.messages[0]).toMatchObject({ role: "assistant", version: 1 });
    expect(s.project.title).toBe("Habit tracker");
    expect(s.tab).toBe("preview");
  });
});

describe("run state", () => {
  it("follows RunEvents and ignores a superseded run", () => {
    let s = reduce(withFirstVersion(), { type: "run/start", runId: 1, version: 1, now: 1000 });
    expect(s.run).toMatchObject({ status: "running", step: "creating" });
    s = reduce(
      s,
      { type: "run/event", runId: 1, event: { type: "progress", step: "building", message: "Building" } },
      { type: "run/event", runId: 1, event: { type: "output", stream: "stdout", text: "esbuild…\n" } },
    );
    expect(s.run).toMatchObject({ status: "running", step: "building", output: "esbuild…\n" });

    const newer = reduce(s, { type: "run/start", runId: 2, version: 1, now: 2000 });
    const late = reduce(newer, { type: "run/event", runId: 1, event: { type: "result", result: { kind: "preview", url: "/p/x/", sandboxId: "s", durationMs: 1 } } });
    expect(late).toBe(newer);

    const done = reduce(newer, { type: "run/event", runId: 2, event: { type: "result", result: { kind: "preview", url: "/p/y/", sandboxId: "s", durationMs: 1 } } });
    expect(done.run).toMatchObject({ status: "done", version: 1 });
    expect(done.failure).toBeNull();
  });

  it("turns a build error into a fixable failure with the step's output", () => {
    const s = reduce(
      withFirstVersion(),
      { type: "run/start", runId: 1, version: 1, now: 1000 },
      {
        type: "run/event",
        runId: 1,
        event: { type: "error", step: "building", output: "src/App.tsx:3:1: ERROR: Unexpected }", error: { code: "build_failed", message: "The build failed.", requestId: "r", retryable: false } },
      },
    );
    expect(s.run).toMatchObject({ status: "error", step: "building", code: "build_failed", version: 1 });
    expect(s.failure).toMatchObject({ kind: "build", version: 1, step: "building", message: "The build failed." });
    expect(s.failure?.detail).toContain("Unexpected }");
  });

  it("does not offer a fix for a dropped connection (no step from the server)", () => {
    const s = reduce(
      withFirstVersion(),
      { type: "run/start", runId: 1, version: 1, now: 1000 },
      { type: "run/event", runId: 1, event: { type: "progress", step: "building", message: "Building" } },
      { type: "run/event", runId: 1, event: { type: "error", error: { code: "stream_interrupted", message: "closed", requestId: "", retryable: true } } },
    );
    expect(s.run.status).toBe("error");
    expect(s.failure).toBeNull();
  });

  it("collects runtime errors of a running preview, deduplicated", () => {
    const running = reduce(
      withFirstVersion(),
      { type: "run/start", runId: 1, version: 1, now: 1000 },
      { type: "run/event", runId: 1, event: { type: "result", result: { kind: "preview", url: "/p/x/", sandboxId: "s", durationMs: 1 } } },
    );
    const err = { source: "tessera-preview" as const, type: "error" as const, message: "x is not defined at line 3" };
    const once = reduce(running, { type: "runtime/errors", runId: 1, errors: [err, { ...err, message: "x is not defined at line 4" }] });
    expect(once.runtimeErrors).toHaveLength(1);
    expect(once.failure).toMatchObject({ kind: "runtime", version: 1 });
    expect(reduce(once, { type: "runtime/errors", runId: 1, errors: [err] })).toBe(once);
  });
});

describe("loading and resetting", () => {
  it("loads a saved project only into an empty session", () => {
    const saved = withFirstVersion().project;
    const loaded = reduce(fresh("other"), { type: "project/load", project: saved });
    expect(loaded.project).toBe(saved);
    expect(loaded.activePath).toBe("src/App.tsx");
    const busy = reduce(fresh("other"), { type: "message/user", message: userMessage("u"), now: NOW });
    expect(reduce(busy, { type: "project/load", project: saved })).toBe(busy);
  });

  it("a reset starts an untitled project", () => {
    const s = reduce(withFirstVersion(), { type: "project/reset", project: fresh("p2").project });
    expect(s.project).toMatchObject({ id: "p2", title: UNTITLED_PROJECT, versions: [], messages: [] });
    expect(s.tab).toBe("code");
  });
});
