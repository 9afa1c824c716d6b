import { describe, expect, it } from "vitest";
import { stripAnsi } from "@/components/workspace/ansi";
import { languageIdForPath } from "@/components/workspace/editor-language";
import { relativeTime } from "@/components/workspace/relative-time";
import { formatCell, formatJson, isBase64 } from "@/components/workspace/results-format";
import { textChange } from "@/components/workspace/text-change";

describe("stripAnsi", () => {
  it("removes colour, cursor and OSC sequences and keeps the text", () => {
    const traceback = "\u001b[0;31mZeroDivisionError\u001b[0m: division by zero\n\u001b[1;32m----> 1\u001b[0m 1/0";
    expect(stripAnsi(traceback)).toBe("ZeroDivisionError: division by zero\n----> 1 1/0");
    expect(stripAnsi("\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007 \u001b[2K\u001b[1Gdone")).toBe("link done");
    expect(stripAnsi("plain [0;31m text")).toBe("plain [0;31m text");
  });
});

describe("textChange", () => {
  it("replaces only what differs", () => {
    expect(textChange("abc", "abc")).toBeNull();
    expect(textChange("const a = 1;", "const a = 1;\nconst b")).toEqual({ from: 12, to: 12, insert: "\nconst b" });
    expect(textChange("hello world", "hello there world")).toEqual({ from: 6, to: 6, insert: "there " });
    expect(textChange("abcdef", "abXYef")).toEqual({ from: 2, to: 4, insert: "XY" });
    expect(textChange("aaa", "")).toEqual({ from: 0, to: 3, insert: "" });
  });

  it("applies to give the new text and never splits a surrogate pair", () => {
    const cases: [string, string][] = [
      ["a😀b", "a😃b"],
      ["xx", "xxx"],
      ["😀", "😀😀"],
      ["abc", "xbc"],
    ];
    for (const [before, after] of cases) {
      const c = textChange(before, after)!;
      expect(before.slice(0, c.from) + c.insert + before.slice(c.to)).toBe(after);
      expect(c.insert.charCodeAt(0) >= 0xdc00 && c.insert.charCodeAt(0) <= 0xdfff).toBe(false);
    }
  });
});

describe("languageIdForPath", () => {
  it("maps extensions to grammars", () => {
    expect(languageIdForPath("src/App.tsx")).toBe("tsx");
    expect(languageIdForPath("a.ts")).toBe("typescript");
    expect(languageIdForPath("a.JSX")).toBe("jsx");
    expect(languageIdForPath("vite.config.mjs")).toBe("javascript");
    expect(languageIdForPath("main.py")).toBe("python");
    expect(languageIdForPath("index.html")).toBe("html");
    expect(languageIdForPath("styles/app.css")).toBe("css");
    expect(languageIdForPath("package.json")).toBe("json");
    expect(languageIdForPath("App.vue")).toBe("vue");
    expect(languageIdForPath("README.md")).toBe("markdown");
    expect(languageIdForPath("Dockerfile")).toBeNull();
    expect(languageIdForPath(".env")).toBeNull();
    expect(languageIdForPath("dir.ts/file")).toBeNull();
  });
});

describe("results formatting", () => {
  it("turns cells into text", () => {
    expect(formatCell(null)).toBe("");
    expect(formatCell(3.5)).toBe("3.5");
    expect(formatCell(true)).toBe("true");
    expect(formatCell("<b>x</b>")).toBe("<b>x</b>");
    expect(formatCell({ a: [1] })).toBe('{"a":[1]}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatCell(cyclic)).toBe("[object Object]");
    expect(formatJson({ a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it("accepts only base64 image data", () => {
    expect(isBase64("iVBORw0KGgo=")).toBe(true);
    expect(isBase64("")).toBe(false);
    expect(isBase64('x" onerror="alert(1)')).toBe(false);
  });
});

describe("relativeTime", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  it("says how long ago", () => {
    expect(relativeTime("2025-06-01T11:59:50Z", now)).toBe("just now");
    expect(relativeTime("2025-06-01T11:55:00Z", now)).toBe("5 minutes ago");
    expect(relativeTime("2025-06-01T09:00:00Z", now)).toBe("3 hours ago");
    expect(relativeTime("2025-05-31T12:00:00Z", now)).toBe("yesterday");
    expect(relativeTime("not a date", now)).toBe("");
  });
});
