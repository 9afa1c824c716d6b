import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { baseName, safeZipName, zipFileName, zipFiles } from "@/components/workspace/download";

describe("zipFiles", () => {
  it("round-trips files with their relative paths", () => {
    const files = [
      { path: "package.json", content: '{"name":"app"}' },
      { path: "src/App.tsx", content: "export default function App() { return <p>é ✓</p>; }\n" },
    ];
    const entries = unzipSync(zipFiles(files));
    expect(Object.keys(entries).sort()).toEqual(["package.json", "src/App.tsx"]);
    expect(strFromU8(entries["src/App.tsx"]!)).toBe(files[1]!.content);
  });

  it("leaves out unsafe and duplicate names", () => {
    const files = [
      { path: "../escape.txt", content: "x" },
      { path: "/etc/passwd", content: "x" },
      { path: "a\\b.txt", content: "x" },
      { path: ".git/config", content: "x" },
      { path: "ok.txt", content: "first" },
      { path: "ok.txt", content: "second" },
    ];
    const entries = unzipSync(zipFiles(files));
    expect(Object.keys(entries)).toEqual(["ok.txt"]);
    expect(strFromU8(entries["ok.txt"]!)).toBe("first");
  });

  it("is deterministic", () => {
    const files = [{ path: "a.txt", content: "same" }];
    expect(zipFiles(files)).toEqual(zipFiles(files));
  });
});

describe("names", () => {
  it("accepts only safe relative paths", () => {
    expect(safeZipName("src/a.ts")).toBe("src/a.ts");
    expect(safeZipName("src/../a.ts")).toBeNull();
    expect(safeZipName("C:evil")).toBeNull();
  });

  it("derives archive and file names", () => {
    expect(zipFileName("Todo App: v2!")).toBe("todo-app-v2.zip");
    expect(zipFileName("")).toBe("project.zip");
    expect(zipFileName("   ")).toBe("project.zip");
    expect(baseName("src/components/Button.tsx")).toBe("Button.tsx");
    expect(baseName("README.md")).toBe("README.md");
  });
});
