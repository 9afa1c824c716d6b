import path from "node:path";
import { AppError } from "../errors";
import { splitNpmSpec, splitPipSpec } from "../fragment/dependencies";
import { markdownCode } from "./markdown";
import { displayTitle, escapeHtml } from "./names";

/**
 * Inside Tessera a template supplies what a project does not contain (templates/*: the React
 * template's React and Tailwind and its mount of App.tsx, the Vue template's mount of App.vue,
 * the Python image's numpy/pandas/matplotlib). An export must run without Tessera, so this adds
 * the ordinary-tool equivalent (a Vite project, a requirements.txt), and only at paths the project
 * has not used: a project's own file always wins.
 *
 * Versions are the current majors that run on Node 20.19+ (Vite 8's floor). React and Vue match
 * the sandbox templates' pins, so an export behaves as its preview did.
 */

export const SCAFFOLD_VERSIONS = {
  react: "^19.3.1",
  "react-dom": "^19.3.1",
  vue: "^3.5.45",
  vite: "^8.4.0",
  "@vitejs/plugin-react": "^6.3.0",
  "@vitejs/plugin-vue": "^6.0.11",
  tailwindcss: "^4.3.5",
  "@tailwindcss/vite": "^4.3.5",
  // TypeScript 7 (the native compiler) ships no JS API, which @vue/compiler-sfc loads to resolve
  // types imported into defineProps; 6 is the newest line with it. React only runs `tsc`.
  typescriptReact: "^7.0.2",
  typescriptVue: "^6.0.3",
  "@types/react": "^19.3.3",
  "@types/react-dom": "^19.3.0",
} as const;

/** The Python template's own packages (templates/python/template.json). */
export const PYTHON_BASE_PACKAGES = ["numpy", "pandas", "matplotlib"] as const;

export interface ScaffoldFile {
  path: string;
  content: string;
  /** One line of Markdown for the README's list of added files; any project path in it is quoted with markdownCode. */
  purpose: string;
}

export interface ScaffoldInput {
  /** npm package name for package.json (an ASCII slug). */
  packageName: string;
  title: string;
  template: string;
  /** The project's files, paths already normalized. */
  files: readonly { path: string; content: string }[];
  dependencies: { npm: readonly string[]; pip: readonly string[] };
  entry: string;
}

interface Context extends ScaffoldInput {
  /** Compared case-insensitively: on macOS and Windows `Package.json` is package.json. */
  has(path: string): boolean;
}

export function scaffoldFor(input: ScaffoldInput): ScaffoldFile[] {
  const taken = new Set(input.files.map((f) => f.path.toLowerCase()));
  const ctx: Context = { ...input, has: (p) => taken.has(p.toLowerCase()) };
  const files = input.template === "react" ? react(ctx) : input.template === "vue" ? vue(ctx) : input.template === "python" ? python(ctx) : [];
  return files.filter((f) => !ctx.has(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
}

// ---- npm ----

function npmDependencies(base: Record<string, string>, declared: readonly string[], provided: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = { ...base };
  for (const spec of declared) {
    const parsed = splitNpmSpec(spec);
    if (!parsed) throw new AppError("bad_request:validation", `Dependency ${JSON.stringify(spec)} is not an npm package name (optionally @version).`);
    // The template's packages win, as in the sandbox, where a project's install cannot swap them out.
    if (provided.has(parsed.name) || parsed.name in out) continue;
    out[parsed.name] = parsed.version ?? "latest";
  }
  return sortKeys(out);
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function packageJson(ctx: Context, dependencies: Record<string, string>, devDependencies: Record<string, string>, extraScripts: Record<string, string> = {}): ScaffoldFile {
  const provided = new Set([...Object.keys(dependencies), ...Object.keys(devDependencies)]);
  const manifest = {
    name: ctx.packageName,
    private: true,
    version: "0.0.0",
    type: "module",
    scripts: { dev: "vite", build: "vite build", preview: "vite preview", ...extraScripts },
    dependencies: npmDependencies(dependencies, ctx.dependencies.npm, provided),
    devDependencies: sortKeys(devDependencies),
  };
  return { path: "package.json", content: `${JSON.stringify(manifest, null, 2)}\n`, purpose: "the template's packages, the project's declared ones, and Vite to run and build it." };
}

function indexHtml(ctx: Context, script: string, stylesheet: string | null): ScaffoldFile {
  // The names are the export's own choices, escaped all the same: an attribute is no place to trust a path.
  const link = stylesheet ? `\n    <link rel="stylesheet" href="/${escapeHtml(stylesheet)}" />` : "";
  return {
    path: "index.html",
    content: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(displayTitle(ctx.title))}</title>${link}
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/${escapeHtml(script)}"></script>
  </body>
</html>
`,
    purpose: "the page Vite serves; the app mounts into its #root.",
  };
}

/** The file to mount: the declared entry if it is a component file, else the template's own lookup. */
function component(ctx: Context, extensions: readonly string[], fallbacks: readonly string[]): string | null {
  const file = ctx.files.find((f) => f.path === ctx.entry);
  if (file && extensions.includes(path.posix.extname(file.path))) return file.path;
  return ctx.files.find((f) => fallbacks.includes(f.path))?.path ?? null;
}

function importSpecifier(from: string, to: string): string {
  const relative = path.posix.relative(path.posix.dirname(from), to);
  return JSON.stringify(relative.startsWith(".") ? relative : `./${relative}`);
}

function firstFree(ctx: Context, candidates: readonly string[]): string {
  const free = candidates.find((c) => !ctx.has(c));
  if (!free) throw new AppError("bad_request:validation", `The project already has ${candidates.join(", ")}; the export needs one of these names.`);
  return free;
}

// ---- React ----

// The sandbox build's own lookup (templates/react/build.mjs).
const REACT_MAINS = ["src/main.tsx", "src/main.jsx", "src/index.tsx", "src/index.jsx"];
const REACT_APPS = ["src/App.tsx", "src/App.jsx", "App.tsx", "App.jsx"];
// The same test templates/react/tailwind.mjs makes: a stylesheet of the project's already brings Tailwind.
const IMPORTS_TAILWIND = /@import\s+(?:url\()?["']tailwindcss/;

function react(ctx: Context): ScaffoldFile[] {
  const out: ScaffoldFile[] = [];
  const ownMain = REACT_MAINS.find((p) => ctx.has(p)) ?? null;
  const app = ownMain ? null : component(ctx, [".tsx", ".jsx", ".ts", ".js"], REACT_APPS);
  const script = ownMain ?? "src/main.tsx";
  // In the sandbox Tailwind's utilities work with no setup; outside, a stylesheet must import it,
  // wired from the main this adds or, with a main of the project's own, linked from the page.
  const wantsTailwind = !ctx.files.some((f) => f.path.endsWith(".css") && IMPORTS_TAILWIND.test(f.content));
  const canWire = app !== null || !ctx.has("index.html");
  const sheet = wantsTailwind && canWire ? firstFree(ctx, ["src/tailwind.css", "src/tessera-tailwind.css"]) : null;
  if (sheet) {
    out.push({ path: sheet, content: '@import "tailwindcss";\n', purpose: "imports Tailwind CSS, whose utility classes the template provided with no setup." });
  }
  if (app) {
    const css = sheet ? `import ${importSpecifier(script, sheet)};\n` : "";
    out.push({
      path: script,
      content: `import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
${css}import App from ${importSpecifier(script, app)};

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`,
      purpose: `mounts the default export of ${markdownCode(app)} into #root, as the template did.`,
    });
  }
  out.push(indexHtml(ctx, script, app ? null : sheet));

  out.push(
    packageJson(
      ctx,
      { react: SCAFFOLD_VERSIONS.react, "react-dom": SCAFFOLD_VERSIONS["react-dom"] },
      {
        vite: SCAFFOLD_VERSIONS.vite,
        "@vitejs/plugin-react": SCAFFOLD_VERSIONS["@vitejs/plugin-react"],
        tailwindcss: SCAFFOLD_VERSIONS.tailwindcss,
        "@tailwindcss/vite": SCAFFOLD_VERSIONS["@tailwindcss/vite"],
        typescript: SCAFFOLD_VERSIONS.typescriptReact,
        "@types/react": SCAFFOLD_VERSIONS["@types/react"],
        "@types/react-dom": SCAFFOLD_VERSIONS["@types/react-dom"],
      },
      { typecheck: "tsc --noEmit" },
    ),
  );
  if (!hasViteConfig(ctx)) {
    out.push({
      path: "vite.config.ts",
      content: `import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react(), tailwindcss()],
});
`,
      purpose: "Vite with the React and Tailwind CSS plugins.",
    });
  }
  if (!ctx.has("tsconfig.json")) {
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        module: "ESNext",
        moduleResolution: "bundler",
        jsx: "react-jsx",
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        isolatedModules: true,
        skipLibCheck: true,
        types: ["vite/client"],
      },
      exclude: ["node_modules", "dist"],
    };
    out.push({ path: "tsconfig.json", content: `${JSON.stringify(tsconfig, null, 2)}\n`, purpose: "TypeScript settings for editors and `npm run typecheck`." });
  }
  return out;
}

function hasViteConfig(ctx: Context): boolean {
  return ctx.files.some((f) => /^vite\.config\.[cm]?[jt]s$/i.test(f.path));
}

// ---- Vue ----

const VUE_MAINS = ["src/main.ts", "src/main.js"];
const VUE_APPS = ["src/App.vue", "App.vue"];

function vue(ctx: Context): ScaffoldFile[] {
  const out: ScaffoldFile[] = [];
  const ownMain = VUE_MAINS.find((p) => ctx.has(p)) ?? null;
  const script = ownMain ?? "src/main.ts";
  if (!ownMain) {
    const app = component(ctx, [".vue"], VUE_APPS);
    if (app) {
      out.push({
        path: script,
        content: `import { createApp } from "vue";
import App from ${importSpecifier(script, app)};

createApp(App).mount("#root");
`,
        purpose: `mounts ${markdownCode(app)} into #root, as the template did.`,
      });
    }
  }
  out.push(indexHtml(ctx, script, null));
  out.push(
    packageJson(
      ctx,
      { vue: SCAFFOLD_VERSIONS.vue },
      {
        vite: SCAFFOLD_VERSIONS.vite,
        "@vitejs/plugin-vue": SCAFFOLD_VERSIONS["@vitejs/plugin-vue"],
        // <script setup lang="ts"> type resolution loads TypeScript.
        typescript: SCAFFOLD_VERSIONS.typescriptVue,
      },
    ),
  );
  if (!hasViteConfig(ctx)) {
    out.push({
      path: "vite.config.ts",
      content: `import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [vue()],
});
`,
      purpose: "Vite with the Vue plugin.",
    });
  }
  return out;
}

// ---- Python ----

/** PEP 503 normalization: `Scikit_Learn` and `scikit-learn` are one package. */
const pipKey = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

function python(ctx: Context): ScaffoldFile[] {
  const lines = new Map<string, string>(PYTHON_BASE_PACKAGES.map((name) => [pipKey(name), name]));
  for (const spec of ctx.dependencies.pip) {
    const parsed = splitPipSpec(spec);
    if (!parsed) throw new AppError("bad_request:validation", `Dependency ${JSON.stringify(spec)} is not a PyPI package name (optionally ==version).`);
    const key = pipKey(parsed.name);
    // A declared pin is more specific than the template's unpinned package, so it replaces it.
    if (!lines.has(key) || parsed.version) lines.set(key, parsed.version ? `${parsed.name}==${parsed.version}` : parsed.name);
  }
  return [
    {
      path: "requirements.txt",
      content: `${[...lines.values()].join("\n")}\n`,
      purpose: `the template's packages (${PYTHON_BASE_PACKAGES.join(", ")}) and the project's declared ones.`,
    },
  ];
}
