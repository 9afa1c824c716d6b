import { describe, expect, it } from "vitest";
import { describeProblems, validateFragment, type FragmentRules } from "@/lib/ai/validate";
import type { TemplateInfo } from "@/lib/ai/types";

const templates: TemplateInfo[] = [
  { id: "react", title: "React", entry: "src/App.tsx", description: "" },
  { id: "vue", title: "Vue", entry: "src/App.vue", description: "" },
];

const fragment = (over: Record<string, unknown> = {}) => ({
  title: "Todo",
  description: "A todo list.",
  template: "react",
  commentary: "Built it.",
  files: [{ path: "src/App.tsx", content: "export default function App() { return null; }" }],
  deleted: [],
  dependencies: { npm: [], pip: [] },
  entry: "src/App.tsx",
  port: null,
  ...over,
});

const problems = (raw: unknown, rules: Partial<FragmentRules> = {}) => {
  const result = validateFragment(raw, { templates, requested: "auto", ...rules });
  return result.ok ? [] : result.problems;
};

describe("validateFragment", () => {
  it("accepts a sound fragment and returns the checked shape", () => {
    const result = validateFragment(fragment(), { templates, requested: "auto" });
    expect(result).toMatchObject({ ok: true, fragment: { title: "Todo", files: [{ path: "src/App.tsx" }] } });
  });

  it.each([
    ["../../etc/passwd", 'files.0.path: Path "../../etc/passwd" contains a . or .. segment'],
    ["src/.env", 'files.0.path: Path "src/.env" names a .env file'],
    ["/etc/passwd", "is absolute"],
    ["node_modules/x/index.js", "goes through node_modules"],
  ])("names the unsafe path %s", (path, message) => {
    expect(problems(fragment({ files: [{ path, content: "x" }] })).join("\n")).toContain(message);
  });

  it("caps the file count", () => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({ path: `f${i}.ts`, content: "" }));
    expect(problems(fragment({ files }))).toContain("files: has more than 100 files; a fragment holds at most 100.");
  });

  it("checks dependency names against the registry grammar", () => {
    expect(problems(fragment({ dependencies: { npm: ["left-pad; rm -rf /"], pip: [] } })).join()).toContain("dependencies.npm.0");
  });

  it("refuses a template that was not offered", () => {
    expect(problems(fragment({ template: "svelte" }))).toEqual(['template: "svelte" is not one of the offered templates (react, vue).']);
  });

  it("refuses a template other than the one the user picked", () => {
    expect(problems(fragment(), { requested: "vue" })).toEqual(['template: the user chose "vue", but the answer uses "react".']);
  });

  it("keeps a follow-up on the project's template unless the user picked another", () => {
    const current = { template: "vue", files: [{ path: "src/App.vue", content: "<template/>" }] };
    expect(problems(fragment(), { current })[0]).toContain('the project uses "vue"');
    expect(problems(fragment(), { current, requested: "react" })).toEqual([]);
  });

  it("requires the entry file to exist after the change set is applied", () => {
    expect(problems(fragment({ entry: "src/main.tsx" }))).toEqual(['entry: "src/main.tsx" is not among the project\'s files.']);
    const current = { template: "react", files: [{ path: "src/App.tsx", content: "old" }] };
    expect(problems(fragment({ files: [{ path: "src/util.ts", content: "" }] }), { current })).toEqual([]);
    expect(problems(fragment({ files: [], deleted: ["src/App.tsx"] }), { current })[0]).toContain("entry");
  });

  it("reports a missing field by its path", () => {
    const noFiles: Record<string, unknown> = fragment();
    delete noFiles.files;
    expect(problems(noFiles)[0]).toMatch(/^files: /);
  });
});

describe("describeProblems", () => {
  it("lists the first problems and counts the rest", () => {
    const list = Array.from({ length: 12 }, (_, i) => `files.${i}.path: bad.`);
    const message = describeProblems(list);
    expect(message).toMatch(/^The model's answer broke the project rules: files\.0\.path: bad; files\.1\.path: bad;/);
    expect(message).toContain("files.7.path: bad; and 4 more.");
    expect(message).not.toContain("files.8.path");
  });

  it("keeps dots inside the quoted path", () => {
    expect(describeProblems(['files.0.path: Path "../../etc/passwd" contains a . or .. segment.'])).toContain('"../../etc/passwd"');
  });
});
