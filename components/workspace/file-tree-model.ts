/** The project's flat path list as a folder tree, for the file tree and anything else that nests. */

export interface TreeFile {
  kind: "file";
  name: string;
  path: string;
}

export interface TreeFolder {
  kind: "folder";
  name: string;
  path: string;
  children: TreeNode[];
}

export type TreeNode = TreeFile | TreeFolder;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Folders before files, each group in natural order (file2 before file10), case-insensitively. */
export function compareNodes(a: TreeNode, b: TreeNode): number {
  if (a.kind !== b.kind) return a.kind === "folder" ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function buildFileTree(paths: readonly string[]): TreeNode[] {
  const root: TreeFolder = { kind: "folder", name: "", path: "", children: [] };
  // Folders by path, so "src" and "src/" segments of different files meet in one node.
  const folders = new Map<string, TreeFolder>([["", root]]);
  const seen = new Set<string>();

  for (const path of paths) {
    if (seen.has(path)) continue;
    seen.add(path);
    const segments = path.split("/").filter(Boolean);
    if (segments.length === 0) continue;
    let parent = root;
    for (let i = 0; i < segments.length - 1; i++) {
      const folderPath = segments.slice(0, i + 1).join("/");
      let folder = folders.get(folderPath);
      if (!folder) {
        folder = { kind: "folder", name: segments[i]!, path: folderPath, children: [] };
        folders.set(folderPath, folder);
        parent.children.push(folder);
      }
      parent = folder;
    }
    parent.children.push({ kind: "file", name: segments.at(-1)!, path });
  }

  const sort = (nodes: TreeNode[]) => {
    nodes.sort(compareNodes);
    for (const node of nodes) if (node.kind === "folder") sort(node.children);
  };
  sort(root.children);
  return root.children;
}

/** The folders that contain a path, outermost first: "a/b/c.ts" → ["a", "a/b"]. */
export function ancestorFolders(path: string): string[] {
  const segments = path.split("/").filter(Boolean);
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join("/"));
}

/** Files in the order the tree shows them, e.g. to pick a neighbour when a tab closes. */
export function flattenFiles(nodes: readonly TreeNode[]): string[] {
  return nodes.flatMap((node) => (node.kind === "file" ? [node.path] : flattenFiles(node.children)));
}
