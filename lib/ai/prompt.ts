import type { OutputMode } from "../fragment/protocol";
import type { CurrentProject, TemplateInfo } from "./types";

/**
 * The system prompt. Kept short: every rule here is also enforced after the answer arrives
 * (validate.ts), so the prompt's job is to make a first answer pass, not to be the safeguard.
 */

/** What the model must know about a template beyond its manifest; keyed by template id. */
const TEMPLATE_NOTES: Record<string, string> = {
  react:
    "TypeScript. src/App.tsx default-exports the App component, which is mounted for you (no index.html or main.tsx needed). " +
    "Split larger apps into components under src/. Style with Tailwind utility classes in className (Tailwind CSS v4 is bundled, no setup needed); a CSS file imported from a component (import \"./App.css\") works too.",
  vue: "TypeScript. src/App.vue is the root single-file component (<script setup lang=\"ts\">), mounted for you. Put other components under src/components/.",
  html: "index.html at the project root, with the CSS and JavaScript files it references by relative path.",
  python:
    "main.py runs top to bottom like a notebook cell. print() output is shown; every open matplotlib figure is returned as an image; " +
    "a pandas DataFrame as the last expression is shown as a table. numpy, pandas and matplotlib are installed.",
};

const JSON_SHAPE = `{
  "title": string,              // a few words
  "description": string,        // one or two sentences
  "template": string,           // a template id from the list above
  "commentary": string,         // what you built or changed, for the chat
  "files": [{ "path": string, "content": string }],
  "deleted": [string],          // paths to remove; [] when none
  "dependencies": { "npm": [string], "pip": [string] },
  "entry": string,              // the template's entry file
  "port": number | null         // null unless the app is a server
}`;

export interface PromptOptions {
  templates: TemplateInfo[];
  /** "auto" or a template id the user picked. */
  template: string;
  current?: CurrentProject;
  mode: OutputMode;
}

function templateList(templates: TemplateInfo[]): string {
  return templates
    .map((t) => {
      const notes = TEMPLATE_NOTES[t.id];
      return `- "${t.id}": ${t.title}. Entry ${t.entry}. ${t.description}${notes ? `\n  ${notes}` : ""}`;
    })
    .join("\n");
}

function templateChoice({ template, current }: PromptOptions): string {
  if (template !== "auto" && current && current.template !== template) {
    return `The user switched this project to template "${template}": rewrite it for that template, return every file it needs, and list the old files in "deleted".`;
  }
  if (template !== "auto") return `Use template "${template}".`;
  if (current) return `Keep template "${current.template}" (the user changes templates with the template picker, not in chat).`;
  return "Choose the template that fits the request best.";
}

function currentFiles(current: CurrentProject): string {
  const files = current.files.map((f) => `<file path=${JSON.stringify(f.path)}>\n${f.content}\n</file>`).join("\n");
  return `## Current project (template "${current.template}")
${files}

This is a follow-up: return only the files you add or change, each with its complete new content, and list removed paths in "deleted". Files you leave out stay as they are.`;
}

export function buildSystemPrompt(options: PromptOptions): string {
  const sections = [
    `You are Tessera's app builder. From the user's request you write a small, complete, runnable project (a "fragment") that runs in a sandbox and is shown beside the chat.`,
    `## Templates\n${templateList(options.templates)}\n\n${templateChoice(options)}`,
    `## Rules
- Give every file you write in full: no diffs, no "..." or "rest unchanged" placeholders.
- Paths are relative to the project root with / separators (src/components/Button.tsx). Never write .env files, node_modules, .git, .ssh or .aws, and never use absolute paths or "..".
- Declare extra packages in "dependencies" by name, optionally pinned (npm "zustand" or "zustand@5", pip "requests" or "requests==2.32.3"); never URLs, git specs or install commands. Use as few as you can.
- The app runs offline: no CDNs, remote scripts, fonts or APIs. Put no secrets or API keys in code.
- "entry" is the template's entry file; "port" is null unless the app is a server listening on a port.
- "commentary" tells the user briefly what you built or changed.`,
  ];
  if (options.current) sections.push(currentFiles(options.current));
  if (options.mode === "json") {
    sections.push(`## Answer format
Answer with exactly one JSON object and nothing else: no prose, no Markdown, no code fences. Its shape (comments are for you, not for the output):
${JSON_SHAPE}
Escape quotes, backslashes and newlines inside strings as JSON requires.`);
  }
  return sections.join("\n\n");
}
