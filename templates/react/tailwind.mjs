// Tailwind CSS v4 at build time, offline, from this template's read-only node_modules: Tailwind's
// compiler builds the CSS for exactly the class names the oxide scanner finds in /workspace, and
// lightningcss lowers it (nesting, media ranges) the way Tailwind's own tools do.
//
// Generated React apps use Tailwind utility classes, usually without writing any CSS. So:
// - a project stylesheet that uses Tailwind (`@import "tailwindcss"`, `@apply`, `@theme`, …) is
//   compiled where esbuild loads it, keeping its place in the cascade;
// - when no project stylesheet imports Tailwind, the build writes it on its own (`tailwind.css`,
//   linked before the app's CSS, so the app's unlayered rules win over Tailwind's layered ones).
//
// The core compiler is driven directly rather than through @tailwindcss/node or
// @tailwindcss/postcss: loading those costs ~80 ms and ~140 ms more per build (measured in the
// sandbox), for module-resolution features a generated app does not need.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { compile } = require("tailwindcss");
const { Scanner } = require("@tailwindcss/oxide");
const lightningcss = require("lightningcss");

const MODULES = path.join(path.dirname(new URL(import.meta.url).pathname), "node_modules");
const PROJECT_MODULES = "/workspace/.tessera/npm/node_modules";
const DIRECTIVE = /@(?:import\s+(?:url\()?["']tailwindcss|tailwind\b|apply\b|theme\b|utility\b|custom-variant\b|variant\b|source\b|plugin\b|reference\b|config\b)/;
const IMPORTS_TAILWIND = /@import\s+(?:url\()?["']tailwindcss/;
const REFERENCES_TAILWIND = /@reference\s+["']tailwindcss/;

const isFile = (file) => existsSync(file) && statSync(file).isFile();

/** `tailwindcss` always comes from the template; other imports from the project or its packages. */
async function loadStylesheet(id, base) {
  const candidates =
    id === "tailwindcss"
      ? [path.join(MODULES, "tailwindcss/index.css")]
      : id.startsWith("tailwindcss/")
        ? [path.join(MODULES, id), path.join(MODULES, `${id}.css`)]
        : id.startsWith(".") || id.startsWith("/")
          ? [path.resolve(base, id), path.resolve(base, `${id}.css`)]
          : [path.join(PROJECT_MODULES, id), path.join(PROJECT_MODULES, `${id}.css`)];
  const file = candidates.find(isFile);
  if (!file) throw new Error(`Cannot find the stylesheet "${id}" imported from ${base.replace("/workspace/", "")}.`);
  return { path: file, base: path.dirname(file), content: readFileSync(file, "utf8") };
}

/** `@plugin`/`@config`: only what the project installed (e.g. @tailwindcss/typography) or wrote. */
async function loadModule(id, base, hint) {
  let file;
  try {
    file = require.resolve(id, { paths: [base, PROJECT_MODULES] });
  } catch {
    throw new Error(`Cannot find the Tailwind ${hint} "${id}": declare it as an npm dependency.`);
  }
  const mod = await import(pathToFileURL(file).href);
  return { path: file, base: path.dirname(file), module: mod.default ?? mod };
}

/**
 * Class-name candidates in the project, from the sources a stylesheet asks for (default: all of
 * it), never from the build's own output or the runner's files (installed packages, manifest).
 */
function scan(root, compiler) {
  const sources = [];
  if (compiler.root === null) sources.push({ base: root, pattern: "**/*", negated: false });
  else if (compiler.root !== "none") sources.push({ ...compiler.root, negated: false });
  sources.push(...compiler.sources);
  for (const dir of ["dist", ".tessera"]) sources.push({ base: root, pattern: `${dir}/**`, negated: true });
  return new Scanner({ sources }).scan();
}

// Tailwind's own targets and feature set (as @tailwindcss/node's optimize), run twice as it does
// because one pass can expose more to lower.
const TARGETS = { safari: (16 << 16) | (4 << 8), ios_saf: (16 << 16) | (4 << 8), firefox: 128 << 16, chrome: 111 << 16 };
function lower(css, filename) {
  const { Features } = lightningcss;
  const pass = (code) =>
    lightningcss
      .transform({
        filename,
        code: Buffer.from(code),
        drafts: { customMedia: true },
        nonStandard: { deepSelectorCombinator: true },
        include: Features.Nesting | Features.MediaQueries,
        exclude: Features.LogicalProperties | Features.DirSelector | Features.LightDark,
        targets: TARGETS,
        errorRecovery: true,
      })
      .code.toString();
  return pass(pass(css)).replaceAll("@media not (", "@media not all and (");
}

async function build(css, { root, base, file }) {
  const compiler = await compile(css, { base, from: file, loadStylesheet, loadModule });
  return lower(compiler.build(scan(root, compiler)), file ?? "tailwind.css");
}

/**
 * `plugin` compiles project stylesheets that use Tailwind; `standalone()` is Tailwind for a
 * project none of whose stylesheets imported it (null when one did).
 */
export function tailwind(root) {
  let importedByProject = false;
  const plugin = {
    name: "tailwindcss",
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.css$/ }, async (args) => {
        if (!args.path.startsWith(`${root}/`) || args.path.includes("/node_modules/")) return undefined;
        let source = readFileSync(args.path, "utf8");
        if (!DIRECTIVE.test(source)) return undefined;
        // `@apply` in a stylesheet of its own needs Tailwind's theme to know what it applies.
        if (IMPORTS_TAILWIND.test(source)) importedByProject = true;
        else if (!REFERENCES_TAILWIND.test(source)) source = `@reference "tailwindcss";\n${source}`;
        try {
          const contents = await build(source, { root, base: path.dirname(args.path), file: args.path });
          return { contents, loader: "css", resolveDir: path.dirname(args.path) };
        } catch (err) {
          return { errors: [{ text: `Tailwind: ${err.message ?? err}`, location: { file: args.path } }] };
        }
      });
    },
  };
  return {
    plugin,
    standalone: async () => (importedByProject ? null : build('@import "tailwindcss";\n', { root, base: root })),
  };
}
