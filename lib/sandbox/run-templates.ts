import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { readTemplateManifest } from "./templates";
import type { SandboxProvider } from "./types";

/**
 * What the runner needs to know about a template, whichever provider runs it: how a project of it
 * is built, started or run, which packages it already has, and which paths belong to it rather
 * than to the project. Local templates describe themselves (templates/<id>/template.json and
 * package.json); E2B's are the Fragments templates, described here.
 */
export interface RunTemplate {
  id: string;
  title: string;
  /** For the model's prompt: what the template is and what it bundles. */
  description: string;
  entry: string;
  serve: "static" | "server" | "none";
  build?: string[];
  /** Where a static build writes its site. */
  output?: string;
  /** Starts a server-style app; none when the template's own server is always running. */
  start?: string[];
  port?: number;
  /** The package managers a project of this template can use (html: none, it has no bundler). */
  managers: ("npm" | "pip")[];
  /** Packages the template already has: declaring them installs nothing. */
  bundled: { npm: string[]; pip: string[] };
  /**
   * Where declared npm packages go: the runner's own directory (local templates resolve packages
   * from there) or the project root (E2B's dev servers resolve from its node_modules).
   */
  npmInto: "runner" | "root";
  /** Top-level paths a project may not write: the build's output, files the template owns. */
  reserved: string[];
}

/** The runner's own directory in every sandbox: its manifest and installed packages. */
export const RUNNER_DIR = ".tessera";

const extras = z.object({
  description: z.string().default(""),
  packages: z.object({ pip: z.array(z.string()).default([]) }).optional(),
});

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

function localTemplate(templatesDir: string, id: string): RunTemplate {
  const manifest = readTemplateManifest(templatesDir, id);
  const more = extras.parse(readJson(path.join(templatesDir, id, "template.json")));
  const pkg = readJson(path.join(templatesDir, id, "package.json")) as { dependencies?: Record<string, string> };
  const npm = Object.keys(pkg.dependencies ?? {});
  return {
    id,
    title: manifest.title,
    description: more.description,
    entry: manifest.entry,
    serve: manifest.serve,
    build: manifest.build,
    output: manifest.output,
    start: manifest.start,
    port: manifest.port,
    // npm when the template bundles with node (it has a package.json), pip when it lists Python packages.
    managers: [...(npm.length > 0 ? (["npm"] as const) : []), ...(more.packages ? (["pip"] as const) : [])],
    bundled: { npm, pip: more.packages?.pip ?? [] },
    npmInto: "runner",
    reserved: [RUNNER_DIR, ...(manifest.output ? [manifest.output] : [])],
  };
}

// The Fragments templates E2B hosts start their dev server at boot in /home/user and reload on
// change, so there is nothing to start: the runner writes files and waits for the port.
const E2B_TEMPLATES: RunTemplate[] = [
  {
    id: "python",
    title: "Python (code interpreter)",
    description: "Python 3 in a Jupyter kernel: printed output, charts and a DataFrame as the last expression are shown. Bundled packages include numpy, pandas, matplotlib, seaborn and scikit-learn.",
    entry: "main.py",
    serve: "none",
    managers: ["pip"],
    bundled: { npm: [], pip: ["numpy", "pandas", "matplotlib", "seaborn", "scikit-learn", "scipy", "requests"] },
    npmInto: "root",
    reserved: [RUNNER_DIR],
  },
  {
    id: "nextjs",
    title: "Next.js + TypeScript",
    description: "A Next.js (pages router) app with TypeScript and Tailwind CSS, served by its dev server. Bundled packages: next, react, react-dom, tailwindcss.",
    entry: "pages/index.tsx",
    serve: "server",
    port: 3000,
    managers: ["npm"],
    bundled: { npm: ["next", "react", "react-dom", "tailwindcss", "typescript"], pip: [] },
    npmInto: "root",
    reserved: [RUNNER_DIR, "package.json", "package-lock.json", ".next"],
  },
  {
    id: "vue",
    title: "Vue (Nuxt) + TypeScript",
    description: "A Nuxt app with Vue 3 and Tailwind CSS, served by its dev server. Bundled packages: nuxt, vue, tailwindcss.",
    entry: "app.vue",
    serve: "server",
    port: 3000,
    managers: ["npm"],
    bundled: { npm: ["nuxt", "vue", "tailwindcss"], pip: [] },
    npmInto: "root",
    reserved: [RUNNER_DIR, "package.json", "package-lock.json", ".nuxt"],
  },
  {
    id: "streamlit",
    title: "Streamlit",
    description: "A Streamlit app in app.py, served by streamlit. Bundled packages: streamlit, pandas, numpy, matplotlib, plotly.",
    entry: "app.py",
    serve: "server",
    port: 8501,
    managers: ["pip"],
    bundled: { npm: [], pip: ["streamlit", "pandas", "numpy", "matplotlib", "plotly"] },
    npmInto: "root",
    reserved: [RUNNER_DIR],
  },
  {
    id: "gradio",
    title: "Gradio",
    description: "A Gradio app in app.py whose Blocks or Interface is named demo, served by gradio. Bundled packages: gradio, pandas, numpy, matplotlib.",
    entry: "app.py",
    serve: "server",
    port: 7860,
    managers: ["pip"],
    bundled: { npm: [], pip: ["gradio", "pandas", "numpy", "matplotlib"] },
    npmInto: "root",
    reserved: [RUNNER_DIR],
  },
];

/** The templates this provider runs, as the runner sees them. */
export function runTemplates(provider: SandboxProvider, templatesDir: string): RunTemplate[] {
  const offered = provider.templates();
  if (provider.name === "e2b") return E2B_TEMPLATES.filter((t) => offered.includes(t.id));
  return offered.map((id) => localTemplate(templatesDir, id));
}

export function runTemplate(provider: SandboxProvider, templatesDir: string, id: string): RunTemplate {
  const offered = provider.templates();
  let template: RunTemplate | undefined;
  if (offered.includes(id)) template = provider.name === "e2b" ? E2B_TEMPLATES.find((t) => t.id === id) : localTemplate(templatesDir, id);
  if (!template) throw new AppError("bad_request:validation", `Unknown template "${id.slice(0, 64)}"; this server runs: ${offered.join(", ")}.`);
  return template;
}
