import { describe, expect, it } from "vitest";
import { openedState } from "@/components/builder/state/reducer";
import { emptyProject, UNTITLED_PROJECT } from "@/components/builder/state/project";
import type { Project } from "@/components/builder/types";
import type { RunResult } from "@/lib/fragment/protocol";
import type { LastRun } from "@/lib/projects/schema";
import { fragment, fresh, NOW, reduce, userMessage, withFirstVersion } from "./fixtures";

const LATER = "2026-11-01T10:05:00.000Z";
const RESULT: RunResult = { kind: "preview", url: "https://preview.example/abc", sandboxId: "sbx-1", durationMs: 1234 };
const lastRun = (version: number, result: RunResult = RESULT): LastRun => ({ version, at: LATER, result });

/** A saved project with two versions, version 2 current. */
function twoVersions(): Project {
  return reduce(
    withFirstVersion(),
    { type: "message/user", message: userMessage("u2", "Make it blue"), now: LATER },
    { type: "turn/start", turn: { assistantId: "a2", userMessageId: "u2", autoFix: false }, now: LATER },
    {
      type: "turn/fragment",
      fragment: fragment({ title: "Blue counter", files: [{ path: "src/styles.css", content: "p { color: blue; }" }] }),
      mode: "native",
      now: LATER,
    },
  ).project;
}

const saved = (overrides: Partial<Project> = {}): Project => ({ ...withFirstVersion().project, id: "saved", ...overrides });

describe("openedState", () => {
  it("shows the last run again when it ran the current version", () => {
    const project = saved({ lastRun: lastRun(1) });
    const s = openedState(project);
    expect(s.run).toEqual({ status: "done", result: RESULT, output: "", version: 1 });
    expect(s.runVersion).toBe(1);
    expect(s.tab).toBe("preview");
    expect(s.project).toBe(project);
    expect(s.activePath).toBe("src/App.tsx");
    expect(s.turn).toBeNull();
    expect(s.failure).toBeNull();
  });

  it("shows an execution result the same way", () => {
    const result: RunResult = { kind: "execution", sandboxId: "sbx-2", stdout: "42\n", stderr: "", results: [], durationMs: 10 };
    const s = openedState(saved({ lastRun: lastRun(1, result) }));
    expect(s.run).toEqual({ status: "done", result, output: "", version: 1 });
  });

  it("opens idle when the last run was of another version", () => {
    const project = { ...twoVersions(), lastRun: lastRun(1) };
    expect(project.currentVersion).toBe(2);
    const s = openedState(project);
    expect(s.run).toEqual({ status: "idle" });
    expect(s.runVersion).toBe(0);
    expect(s.tab).toBe("code");
  });

  it("opens idle when the last run names a version the project does not have", () => {
    // A later version the browser never saved…
    expect(openedState(saved({ lastRun: lastRun(7) })).run).toEqual({ status: "idle" });
    // …or a current version that is itself missing.
    const s = openedState(saved({ currentVersion: 7, lastRun: lastRun(7) }));
    expect(s.run).toEqual({ status: "idle" });
    expect(s.runVersion).toBe(0);
    expect(s.tab).toBe("code");
  });

  it("opens idle without a last run, on the first file of the current version", () => {
    const s = openedState(twoVersions());
    expect(s.run).toEqual({ status: "idle" });
    expect(s.tab).toBe("code");
    expect(s.activePath).toBe("src/App.tsx");
    expect(openedState(emptyProject("e", NOW)).activePath).toBeUndefined();
  });
});

describe("project/load", () => {
  it("opens the saved project with its last run into an empty builder, keeping the notice", () => {
    const start = reduce(fresh(), { type: "notice/set", notice: "Saved elsewhere" });
    const s = reduce(start, { type: "project/load", project: saved({ lastRun: lastRun(1) }) });
    expect(s.project.id).toBe("saved");
    expect(s.run).toMatchObject({ status: "done", result: RESULT, version: 1 });
    expect(s.runVersion).toBe(1);
    expect(s.tab).toBe("preview");
    expect(s.notice).toBe("Saved elsewhere");
  });

  it("opens idle when the saved last run is of another version", () => {
    const s = reduce(fresh(), { type: "project/load", project: { ...twoVersions(), lastRun: lastRun(1) } });
    expect(s.project.currentVersion).toBe(2);
    expect(s.run.status).toBe("idle");
  });

  it("keeps work begun before the saved project arrived", () => {
    const begun = reduce(fresh(), { type: "message/user", message: userMessage("u1", "Build a clock"), now: NOW });
    const s = reduce(begun, { type: "project/load", project: saved({ lastRun: lastRun(1) }) });
    expect(s).toBe(begun);
    expect(s.project.messages.map((m) => m.content)).toEqual(["Build a clock"]);
  });
});

describe("project/open", () => {
  it("replaces a project that has content (unlike project/load)", () => {
    const current = reduce(
      withFirstVersion(),
      { type: "edit/change", path: "src/App.tsx", content: "unsaved" },
      { type: "run/start", runId: 3, version: 1, now: 0 },
      { type: "notice/set", notice: "old notice" },
    );
    const other = { ...twoVersions(), id: "p2", title: "Other" };
    const s = reduce(current, { type: "project/open", project: other });
    expect(s.project).toBe(other);
    expect(s.edits).toEqual({});
    expect(s.run).toEqual({ status: "idle" });
    expect(s.runId).toBe(0);
    expect(s.notice).toBeNull();
    expect(s.turn).toBeNull();
    expect(s.activePath).toBe("src/App.tsx");
    // The same project through project/load would have been ignored.
    expect(reduce(current, { type: "project/load", project: other })).toBe(current);
  });

  it("shows the opened project's last run of its current version", () => {
    const s = reduce(withFirstVersion(), { type: "project/open", project: saved({ lastRun: lastRun(1) }) });
    expect(s.run).toEqual({ status: "done", result: RESULT, output: "", version: 1 });
    expect(s.runVersion).toBe(1);
    expect(s.tab).toBe("preview");
  });

  it("opens idle when the opened project's last run is of another version", () => {
    const s = reduce(withFirstVersion(), { type: "project/open", project: { ...twoVersions(), id: "p2", lastRun: lastRun(1) } });
    expect(s.run).toEqual({ status: "idle" });
    expect(s.tab).toBe("code");
  });

  it("abandons a turn in flight in the old project", () => {
    const streaming = reduce(
      withFirstVersion(),
      { type: "message/user", message: userMessage("u2", "More"), now: LATER },
      { type: "turn/start", turn: { assistantId: "a2", userMessageId: "u2", autoFix: false }, now: LATER },
    );
    const s = reduce(streaming, { type: "project/open", project: saved() });
    expect(s.turn).toBeNull();
    expect(s.generation.status).toBe("idle");
    // A late fragment of the old turn is dropped instead of landing in the opened project.
    const late = reduce(s, { type: "turn/fragment", fragment: fragment({ title: "Late" }), mode: "native", now: LATER });
    expect(late).toBe(s);
  });
});

describe("project/rename", () => {
  it("sets the trimmed title and moves updatedAt", () => {
    const before = withFirstVersion();
    const s = reduce(before, { type: "project/rename", title: "  My counter \n", now: LATER });
    expect(s.project.title).toBe("My counter");
    expect(s.project.updatedAt).toBe(LATER);
    expect(s.project.versions).toBe(before.project.versions);
    expect(s.project.messages).toBe(before.project.messages);
    expect(s.project.currentVersion).toBe(before.project.currentVersion);
  });

  it("renames an untitled project", () => {
    const s = reduce(fresh(), { type: "project/rename", title: "Todo list", now: LATER });
    expect(fresh().project.title).toBe(UNTITLED_PROJECT);
    expect(s.project.title).toBe("Todo list");
  });

  it("ignores an empty or blank title", () => {
    const before = withFirstVersion();
    expect(reduce(before, { type: "project/rename", title: "", now: LATER })).toBe(before);
    expect(reduce(before, { type: "project/rename", title: "  \t ", now: LATER })).toBe(before);
  });

  it("ignores the current title, trimmed or not, leaving updatedAt alone", () => {
    const before = withFirstVersion();
    expect(before.project.title).toBe("Counter");
    expect(reduce(before, { type: "project/rename", title: "Counter", now: LATER })).toBe(before);
    const s = reduce(before, { type: "project/rename", title: "  Counter  ", now: LATER });
    expect(s).toBe(before);
    expect(s.project.updatedAt).toBe(NOW);
  });
});
