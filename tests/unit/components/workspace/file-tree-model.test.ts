import { describe, expect, it } from "vitest";
import { ancestorFolders, buildFileTree, flattenFiles, type TreeNode } from "@/components/workspace/file-tree-model";

/** The tree as indented lines: "dir/" for folders, names for files. */
function outline(nodes: readonly TreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${"  ".repeat(depth)}${n.name}${n.kind === "folder" ? "/" : ""}`,
    ...(n.kind === "folder" ? outline(n.children, depth + 1) : []),
  ]);
}

describe("buildFileTree", () => {
  it("nests paths into folders, folders first, in natural case-insensitive order", () => {
    const tree = buildFileTree(["src/b.ts", "README.md", "src/components/Button.tsx", "src/a.ts", "package.json", "public/x.svg", "index.html"]);
    expect(outline(tree)).toEqual([
      "public/",
      "  x.svg",
      "src/",
      "  components/",
      "    Button.tsx",
      "  a.ts",
      "  b.ts",
      "index.html",
      "package.json",
      "README.md",
    ]);
  });

  it("sorts numbers naturally and keeps full paths on every node", () => {
    const tree = buildFileTree(["file10.ts", "file2.ts", "a/file1.ts"]);
    expect(outline(tree)).toEqual(["a/", "  file1.ts", "file2.ts", "file10.ts"]);
    const folder = tree[0]!;
    expect(folder).toMatchObject({ kind: "folder", path: "a" });
    expect(folder.kind === "folder" && folder.children[0]).toMatchObject({ kind: "file", name: "file1.ts", path: "a/file1.ts" });
  });

  it("ignores duplicates and empty input", () => {
    expect(buildFileTree([])).toEqual([]);
    expect(flattenFiles(buildFileTree(["a.ts", "a.ts"]))).toEqual(["a.ts"]);
  });

  it("flattens in display order", () => {
    expect(flattenFiles(buildFileTree(["z.ts", "src/b.ts", "src/a.ts", "lib/c.ts"]))).toEqual(["lib/c.ts", "src/a.ts", "src/b.ts", "z.ts"]);
  });
});

describe("ancestorFolders", () => {
  it("lists the containing folders outermost first", () => {
    expect(ancestorFolders("a/b/c.ts")).toEqual(["a", "a/b"]);
    expect(ancestorFolders("c.ts")).toEqual([]);
  });
});
