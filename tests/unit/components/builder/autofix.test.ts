import { describe, expect, it } from "vitest";
import {
  AUTOFIX_LIMIT,
  AUTOFIX_SAME_ERROR,
  decideAutoFix,
  failureFromRun,
  fixMessageText,
  initialAutoFix,
  normalizeErrorMessage,
  recordAutoFix,
  type AutoFixState,
} from "@/components/builder/state/autofix";
import { fresh, NOW, reduce, userMessage, withFirstVersion } from "./fixtures";

const model = { enabled: true, versionSource: "model" as const };

function attempt(state: AutoFixState, signature: string, context = model) {
  const decision = decideAutoFix(state, { signature }, context);
  return { decision, next: recordAutoFix(state, decision, signature) };
}

describe("auto-fix policy", () => {
  it("fixes at most twice per message, then stops and says why", () => {
    const one = attempt(initialAutoFix, "build:a");
    expect(one.decision).toEqual({ action: "fix", attempt: 1 });
    const two = attempt(one.next, "build:b");
    expect(two.decision).toEqual({ action: "fix", attempt: 2 });
    const three = attempt(two.next, "build:c");
    expect(three.decision).toEqual({ action: "stop", reason: AUTOFIX_LIMIT });
    expect(three.next.status).toEqual({ kind: "stopped", reason: AUTOFIX_LIMIT });
    // Once stopped, later failures are left to the person.
    expect(attempt(three.next, "build:d").decision).toEqual({ action: "skip" });
  });

  it("stops when the same error comes back after a fix", () => {
    const one = attempt(initialAutoFix, "python:nameerror: x");
    const again = attempt(one.next, "python:nameerror: x");
    expect(again.decision).toEqual({ action: "stop", reason: AUTOFIX_SAME_ERROR });
    expect(again.next.status).toMatchObject({ kind: "stopped", reason: expect.stringMatching(/same error came back/) });
  });

  it("leaves alone what the person made, and does nothing when off", () => {
    expect(decideAutoFix(initialAutoFix, { signature: "x" }, { enabled: true, versionSource: "edit" })).toEqual({ action: "skip" });
    expect(decideAutoFix(initialAutoFix, { signature: "x" }, { enabled: true, versionSource: "restore" })).toEqual({ action: "skip" });
    expect(decideAutoFix(initialAutoFix, { signature: "x" }, { enabled: false, versionSource: "model" })).toEqual({ action: "skip" });
  });

  it("counts per message: the person's next message resets it, an automatic fix does not", () => {
    let s = reduce(withFirstVersion(), { type: "autofix/decision", decision: { action: "fix", attempt: 1 }, signature: "s1" });
    s = reduce(s, { type: "message/user", message: userMessage("f1", "fix", { fixOf: "s1", autoFix: true }), now: NOW });
    expect(s.autofix).toMatchObject({ attempts: 1, lastSignature: "s1" });
    s = reduce(s, { type: "message/user", message: userMessage("u2", "Now add a reset button"), now: NOW });
    expect(s.autofix).toEqual(initialAutoFix);
  });

  it("a fix request that fails stops auto-fix", () => {
    const s = reduce(
      fresh(),
      { type: "autofix/decision", decision: { action: "fix", attempt: 1 }, signature: "s1" },
      { type: "message/user", message: userMessage("f1", "fix", { fixOf: "s1", autoFix: true }), now: NOW },
      { type: "turn/start", turn: { assistantId: "a1", userMessageId: "f1", autoFix: true }, now: NOW },
      { type: "turn/error", error: { code: "internal", message: "boom", requestId: "r", retryable: true }, now: NOW },
    );
    expect(s.autofix.status.kind).toBe("stopped");
  });
});

describe("normalizeErrorMessage", () => {
  it("treats reports that differ only in numbers, quotes, colours and temp paths as one", () => {
    const a = normalizeErrorMessage("\u001b[31mError\u001b[0m: 'foo' is not defined (src/App.tsx:12:5) /tmp/build-123/x");
    const b = normalizeErrorMessage("Error:   \"foo\" is not defined (src/App.tsx:40:17) /tmp/build-987/x");
    expect(a).toBe(b);
    expect(normalizeErrorMessage("x is not defined")).not.toBe(normalizeErrorMessage("y is not defined"));
  });
});

describe("fix messages", () => {
  it("describe a build error with the step, the message and the output's last 60 lines", () => {
    const output = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n");
    const failure = failureFromRun({ status: "error", step: "installing", message: "npm install failed.", code: "install_failed", output, version: 2 });
    expect(failure).not.toBeNull();
    const text = fixMessageText(failure!);
    expect(text).toContain("step: installing");
    expect(text).toContain("Error: npm install failed.");
    expect(text).toContain("line 100");
    expect(text).toContain("line 41");
    expect(text).not.toContain("line 40\n");
  });

  it("carry a Python traceback, fenced so backticks inside cannot end the block", () => {
    const failure = failureFromRun({
      status: "done",
      version: 1,
      output: "",
      result: {
        kind: "execution",
        sandboxId: "s",
        stdout: "",
        stderr: "",
        results: [],
        durationMs: 3,
        error: { name: "NameError", value: "name 'x' is not defined", traceback: "```\nTraceback (most recent call last):\nNameError" },
      },
    });
    expect(failure).toMatchObject({ kind: "python", message: "NameError: name 'x' is not defined" });
    const text = fixMessageText(failure!);
    expect(text).toContain("````text");
    expect(text).toContain("Traceback (most recent call last)");
  });

  it("are not offered for failures outside the code (the sandbox would not start)", () => {
    expect(failureFromRun({ status: "error", step: "creating", message: "No sandbox.", code: "unavailable", output: "", version: 1 })).toBeNull();
  });
});
