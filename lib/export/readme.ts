import { markdownCode as code, markdownText } from "./markdown";
import { displayTitle } from "./names";
import type { ScaffoldFile } from "./scaffold";

/**
 * The README of an export: what it is and the exact commands that run it with ordinary tools.
 * Untrusted text lands here only through markdownText or inside code (spans and fenced blocks);
 * the added files' purposes come from lib/export/scaffold.ts, which quotes paths the same way.
 * Every command here is one the integration test (tests/integration/export) runs, so keep them
 * in step with it.
 */

export interface ReadmeInput {
  title: string;
  n: number;
  template: string;
  entry: string;
  port: number | null;
  /** Files the export generated (lib/export/scaffold.ts), listed so nobody mistakes them for the project's. */
  added: readonly ScaffoldFile[];
  /** Whether package.json is the export's (its scripts are known) or the project's own. */
  ownPackageJson: boolean;
}

const TEMPLATE_NAMES: Record<string, string> = {
  react: "React + TypeScript",
  vue: "Vue 3 + TypeScript",
  html: "HTML, CSS and JavaScript",
  python: "Python",
};

const block = (...lines: string[]) => ["```sh", ...lines, "```"].join("\n");

function viteSteps(input: ReadmeInput): string[] {
  if (input.ownPackageJson) {
    return [
      "The project has its own `package.json`; install its packages, then use its scripts:",
      block("npm install", "npm run dev"),
      "If it has no `dev` script, `npm run` lists the ones it has.",
    ];
  }
  return [
    "You need Node.js 20.19 or newer.",
    block("npm install", "npm run dev"),
    "Then open the address Vite prints (http://localhost:5173/ unless that port is taken).",
    "`npm run build` writes a static site to `dist/`, and `npm run preview` serves that build.",
  ];
}

function runSteps(input: ReadmeInput): string[] {
  switch (input.template) {
    case "react":
    case "vue":
      return viteSteps(input);
    case "html":
      return [
        `Open ${code(input.entry)} in a browser. If the page loads other files (fetch, ES modules), serve the folder instead and open the address printed:`,
        block("npx serve .", "# or", "python3 -m http.server 8000"),
      ];
    case "python":
      return [
        "You need Python 3. A virtual environment keeps the packages out of the system's Python:",
        block("python3 -m venv .venv", ". .venv/bin/activate        # Windows: .venv\\Scripts\\activate", "pip install -r requirements.txt", `python3 ${shellWord(input.entry)}`),
        "Tessera showed matplotlib figures and a DataFrame left as the last line in its output panel. " +
          "Run as a script, they are not shown: add `plt.show()` (or `plt.savefig(\"figure.png\")`) and `print(...)` where you want them.",
      ];
    default:
      return [
        `Tessera ran this project with its ${code(displayTitle(input.template, "unknown"))} template. The export holds the project's files only; the entry file is ${code(input.entry)}.`,
        ...(input.port === null ? [] : [`In Tessera the app listened on port ${input.port}.`]),
      ];
  }
}

/** The entry as one shell word: quoted unless plainly safe. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

export function exportReadme(input: ReadmeInput): string {
  const template = TEMPLATE_NAMES[input.template] ?? input.template;
  const sections = [
    // The title and an unknown template's name are untrusted: inert Markdown (lib/export/markdown.ts).
    `# ${markdownText(displayTitle(input.title))}`,
    `Version ${input.n}. Template: ${markdownText(displayTitle(template, "unknown"))}.`,
    "## Run it",
    ...runSteps(input),
  ];
  if (input.added.length > 0) {
    sections.push(
      "## Files added by the export",
      "Inside Tessera the template supplied these; the export wrote them so the project runs on its own:",
      input.added.map((f) => `- ${code(f.path)}: ${f.purpose}`).join("\n"),
    );
  }
  sections.push("---", "Exported from Tessera.");
  return `${sections.join("\n\n")}\n`;
}
