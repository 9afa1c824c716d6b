import { describe, expect, it } from "vitest";
import { describeSummary, diffFileSets, diffRows, summarizeDiff } from "@/components/workspace/diff-model";

const f = (path: string, content: string) => ({ path, content });

describe("diffFileSets", () => {
  it("classifies added, changed and deleted files and leaves out unchanged ones", () => {
    const before = [f("a.ts", "1\n"), f("b.ts", "same\n"), f("c.ts", "gone\n")];
    const after = [f("b.ts", "same\n"), f("a.ts", "2\n"), f("d.ts", "new\n")];
    const files = diffFileSets(before, after);
    expect(files.map((x) => [x.path, x.change])).toEqual([
      ["a.ts", "changed"],
      ["c.ts", "deleted"],
      ["d.ts", "added"],
    ]);
    expect(summarizeDiff(files)).toEqual({ added: 1, changed: 1, deleted: 1 });
    expect(describeSummary(summarizeDiff(files))).toBe("1 added, 1 changed, 1 deleted");
  });

  it("reports no changes for identical sets", () => {
    const files = diffFileSets([f("a", "x")], [f("a", "x")]);
    expect(files).toEqual([]);
    expect(describeSummary(summarizeDiff(files))).toBe("No changes");
  });
});

describe("diffRows", () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);
  const text = (xs: string[]) => `${xs.join("\n")}\n`;

  it("shows a change with context and collapses the unchanged lines around it", () => {
    const old = lines(20);
    const next = [...old];
    next[9] = "changed 10";
    const { rows, additions, deletions } = diffRows(text(old), text(next), 3);
    expect(additions).toBe(1);
    expect(deletions).toBe(1);
    expect(rows[0]).toEqual({ kind: "gap", lines: 6 });
    expect(rows.find((r) => r.kind === "del")).toEqual({ kind: "del", oldLine: 10, text: "line 10" });
    expect(rows.find((r) => r.kind === "add")).toEqual({ kind: "add", newLine: 10, text: "changed 10" });
    expect(rows.filter((r) => r.kind === "same")).toHaveLength(6);
    expect(rows.at(-1)).toEqual({ kind: "gap", lines: 7 });
  });

  it("puts a gap between hunks that are far apart", () => {
    const old = lines(40);
    const next = [...old];
    next[2] = "x";
    next[35] = "y";
    const gaps = diffRows(text(old), text(next), 2).rows.filter((r) => r.kind === "gap");
    // Lines 1..5 shown (change at 3), then 6..33 hidden, 34..38 shown, 39..40 hidden.
    expect(gaps).toEqual([
      { kind: "gap", lines: 28 },
      { kind: "gap", lines: 2 },
    ]);
  });

  it("numbers an added file from 1 and a deleted file's lines as removed", () => {
    const added = diffRows("", "a\nb\n");
    expect(added.rows).toEqual([
      { kind: "add", newLine: 1, text: "a" },
      { kind: "add", newLine: 2, text: "b" },
    ]);
    const deleted = diffRows("a\nb", "");
    expect(deleted.rows.map((r) => r.kind)).toEqual(["del", "del"]);
    expect(deleted.deletions).toBe(2);
  });

  it("shows the whole file with Infinity context and skips no-newline markers", () => {
    const { rows } = diffRows("a\nb\nc", "a\nB\nc", Infinity);
    expect(rows.map((r) => r.kind)).toEqual(["same", "del", "add", "same"]);
  });

  it("gives up on inputs too large to diff", () => {
    expect(diffRows("x".repeat(400_000), "y".repeat(400_000)).tooLarge).toBe(true);
  });
});

describe("diffRows without context", () => {
  it("counts the hidden lines before and after a pure insertion", () => {
    const old = "l1\nl2\nl3\nl4\nl5\nl6\n";
    const { rows } = diffRows(old, old.replace("l5\n", "l5\nNEW\n"), 0);
    expect(rows).toEqual([
      { kind: "gap", lines: 5 },
      { kind: "add", newLine: 6, text: "NEW" },
      { kind: "gap", lines: 1 },
    ]);
  });
});
