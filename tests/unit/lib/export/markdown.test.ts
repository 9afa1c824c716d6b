import fc from "fast-check";
import type { Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { describe, expect, it } from "vitest";
import { exportReadme, planExport, type ReadmeInput } from "@/lib/export";
import { markdownCode, markdownText } from "@/lib/export/markdown";
import { displayTitle } from "@/lib/export/names";

/**
 * Untrusted text in a README, checked the way a renderer sees it: parsed by a CommonMark parser
 * (mdast-util-from-markdown, the one behind remark and react-markdown) with raw HTML kept as HTML
 * nodes, as a renderer that passes HTML through would show it.
 */

const readme = (overrides: Partial<ReadmeInput>) =>
  exportReadme({ title: "Demo", n: 2, template: "python", entry: "main.py", port: null, added: [], ownPackageJson: false, ...overrides });

function kinds(node: Nodes, out: Set<string> = new Set()): Set<string> {
  out.add(node.type);
  if ("children" in node) for (const child of node.children) kinds(child, out);
  return out;
}

/** The README's first heading: its depth, the node types inside it, and its text. */
function heading(markdown: string): { depth: number; inside: string[]; text: string } {
  const root: Root = fromMarkdown(markdown);
  const first = root.children[0]!;
  if (first.type !== "heading") throw new Error(`first block is a ${first.type}`);
  const inside = [...kinds(first)].filter((k) => k !== "heading");
  const text = first.children.map((c) => ("value" in c ? c.value : "")).join("");
  return { depth: first.depth, inside, text };
}

const HOSTILE = [
  "<img src=x onerror=alert(1)>",
  "<script>alert(document.cookie)</script>",
  "<a href='javascript:alert(1)'>click</a>",
  "[click](javascript:alert(1))",
  "![tracker](https://tracker.example/p.png)",
  "<https://evil.example>",
  "[ref]\n\n[ref]: https://evil.example",
  "**bold** _em_ `code` ~~gone~~",
  "Title ##",
  "&lt;script&gt; &amp; &#60;b&#62;",
  "\\<b\\>escaped\\</b\\>",
  "<!-- hidden",
  "</h1><h1>Forged",
  "$x^2$ | a | b |",
] as const;

describe("markdownText", () => {
  it.each(HOSTILE)("a hostile title renders as exactly itself in the README heading: %s", (title) => {
    const { depth, inside, text } = heading(readme({ title }));
    expect(depth).toBe(1);
    expect(inside).toEqual(["text"]);
    expect(text).toBe(displayTitle(title));
  });

  it("no title, however built from Markdown and HTML pieces, renders as anything but its text", () => {
    const piece = fc.constantFrom(
      ..."<>&[]()!*_`#\\~|$^{}@\"'=-+.:/ ".split(""),
      "<img src=x onerror=alert(1)>",
      "javascript:",
      "https://x.example",
      "&amp;",
      "&#x3C;",
      "<!--",
      "-->",
      "]: ",
      "\n",
      "\t",
      "a",
      "é",
      "\u202E",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join("")), (title) => {
        const { inside, text } = heading(readme({ title }));
        expect(inside).toEqual(text === "" ? [] : ["text"]);
        expect(text).toBe(displayTitle(title));
      }),
      { numRuns: 500 },
    );
  });

  it("any Unicode title renders as exactly itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (title) => {
        expect(heading(readme({ title })).text).toBe(displayTitle(title));
      }),
      { numRuns: 500 },
    );
  });

  it("leaves a plain title readable as plain text", () => {
    expect(markdownText("Bob's to-do list (v2): 100% done, really!")).toBe("Bob's to-do list (v2): 100% done, really!");
    expect(markdownText("<b>*x*</b>")).toBe("&lt;b&gt;\\*x\\*&lt;/b&gt;");
  });

  it("escapes an unknown template's name where the README names it", () => {
    const root = fromMarkdown(readme({ template: "<img src=x onerror=alert(1)>", entry: "main.ts" }));
    expect(kinds(root)).not.toContain("html");
  });
});

describe("the README of a whole export", () => {
  it.each(["react", "vue"])("a hostile component path in the %s scaffold's list of added files stays code", (template) => {
    const app = template === "react" ? "src/x` <img src=x onerror=alert(1)> [a](javascript:x) `y.tsx" : "src/x` <img src=x onerror=alert(1)> `y.vue";
    const plan = planExport({
      title: "<b>t</b>",
      n: 1,
      template,
      files: [{ path: app, content: "export default () => null;" }],
      dependencies: { npm: [], pip: [] },
      entry: app,
      port: null,
    });
    const text = plan.entries.find((e) => e.path === plan.readme)!.content;
    expect(text).toContain("## Files added by the export");
    const found = kinds(fromMarkdown(text));
    expect(found).not.toContain("html");
    expect(found).not.toContain("link");
  });
});

describe("markdownCode", () => {
  it("keeps a path with backticks and HTML inside one code span", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("`", "``", "<img src=x onerror=alert(1)>", "a", " ", "*"), { minLength: 1, maxLength: 12 }).map((p) => p.join("")), (path) => {
        const root = fromMarkdown(`- ${markdownCode(path)}: the file.`);
        const found = [...kinds(root)];
        expect(found).not.toContain("html");
        expect(found).toContain("inlineCode");
      }),
      { numRuns: 300 },
    );
  });
});
