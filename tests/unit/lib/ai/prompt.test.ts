import { describe, expect, it } from "vitest";
import { buildSystemPrompt } from "@/lib/ai/prompt";
import type { TemplateInfo } from "@/lib/ai/types";

const templates: TemplateInfo[] = [
  { id: "react", title: "React + TypeScript", entry: "src/App.tsx", description: "A single-page app." },
  { id: "python", title: "Python", entry: "main.py", description: "A script run like a notebook cell." },
  { id: "svelte-x", title: "Svelte", entry: "src/App.svelte", description: "An operator's own template." },
];

describe("buildSystemPrompt", () => {
  it("lists every offered template with its entry and description, and notes for known ones", () => {
    const prompt = buildSystemPrompt({ templates, template: "auto", mode: "native" });
    for (const t of templates) {
      expect(prompt).toContain(`"${t.id}": ${t.title}. Entry ${t.entry}. ${t.description}`);
    }
    expect(prompt).toContain("default-exports the App component");
    expect(prompt).toContain("Tailwind utility classes in className");
    expect(prompt).toContain("matplotlib figure is returned as an image");
    expect(prompt).toContain("DataFrame as the last expression is shown as a table");
    expect(prompt).toContain("Choose the template that fits");
  });

  it("states the path and dependency rules", () => {
    const prompt = buildSystemPrompt({ templates, template: "auto", mode: "native" });
    expect(prompt).toMatch(/Never write \.env files, node_modules, \.git/);
    expect(prompt).toContain("relative to the project root");
    expect(prompt).toMatch(/by name.*never URLs, git specs or install commands/);
  });

  it("pins the template the user picked", () => {
    expect(buildSystemPrompt({ templates, template: "python", mode: "native" })).toContain('Use template "python".');
  });

  it("includes the current files on a follow-up and asks for a change set", () => {
    const prompt = buildSystemPrompt({
      templates,
      template: "auto",
      mode: "native",
      current: { template: "react", files: [{ path: "src/App.tsx", content: "export default function App() { return <h1>Hi</h1>; }" }] },
    });
    expect(prompt).toContain('<file path="src/App.tsx">\nexport default function App() { return <h1>Hi</h1>; }\n</file>');
    expect(prompt).toContain('return only the files you add or change');
    expect(prompt).toContain('"deleted"');
    expect(prompt).toContain('Keep template "react"');
  });

  it("asks for a full rewrite when the user switched the template", () => {
    const prompt = buildSystemPrompt({ templates, template: "python", mode: "native", current: { template: "react", files: [{ path: "src/App.tsx", content: "x" }] } });
    expect(prompt).toContain('switched this project to template "python"');
  });

  it("gives the JSON shape only in JSON mode", () => {
    expect(buildSystemPrompt({ templates, template: "auto", mode: "native" })).not.toContain("Answer format");
    const json = buildSystemPrompt({ templates, template: "auto", mode: "json" });
    expect(json).toContain("exactly one JSON object and nothing else");
    for (const field of ["title", "description", "template", "commentary", "files", "deleted", "dependencies", "entry", "port"]) {
      expect(json).toContain(`"${field}":`);
    }
  });
});
