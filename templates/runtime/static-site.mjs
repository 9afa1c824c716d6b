// Shared by the static templates' builds (mounted read-only at /opt/tessera in every sandbox):
// bundle /workspace's entry into /workspace/dist with the template's esbuild, report errors as
// `file:line:col: message`, and write the page that loads the bundle (and, first of all, the
// error reporter that tells the app about the preview's runtime errors).
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { REPORTER, REPORTER_SOURCE } from "./inject-reporter.mjs";

export const WORKSPACE = "/workspace";
export const OUT = `${WORKSPACE}/dist`;
/** Where the runner installs a project's declared npm packages (never the model's namespace). */
export const PROJECT_MODULES = `${WORKSPACE}/.tessera/npm/node_modules`;

/**
 * `site.styles()` may add stylesheets (e.g. Tailwind) that the page links before the app's own
 * `app.css`, so the app's rules win ties.
 */
export async function bundleSite(esbuild, entry, extra = {}, site = {}) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  const styles = [];
  try {
    await esbuild.build({
      entryPoints: { app: entry },
      bundle: true,
      outdir: OUT,
      format: "iife",
      target: "es2022",
      minify: true,
      // The template's packages first: a project's own install can never swap out its React.
      nodePaths: ["/opt/template/node_modules", PROJECT_MODULES],
      loader: { ".png": "dataurl", ".jpg": "dataurl", ".svg": "dataurl", ".gif": "dataurl", ".webp": "dataurl", ".woff2": "dataurl" },
      logLevel: "silent",
      ...extra,
      define: { "process.env.NODE_ENV": '"production"', ...extra.define },
    });
    for (const { name, css } of (await site.styles?.()) ?? []) {
      writeFileSync(`${OUT}/${name}`, css);
      styles.push(name);
    }
  } catch (err) {
    for (const e of err.errors ?? []) {
      const loc = e.location;
      const where = loc ? `${loc.file.replace(`${WORKSPACE}/`, "")}${loc.line ? `:${loc.line}:${loc.column}` : ""}: ` : "";
      console.error(`${where}${e.text}`);
    }
    if (!err.errors) console.error(String(err.message ?? err));
    process.exit(1);
  }
  if (existsSync(`${OUT}/app.css`)) styles.push("app.css");
  copyFileSync(REPORTER_SOURCE, `${OUT}/${REPORTER}`);
  writeIndexHtml(styles);
  console.log(`built in ${Date.now() - started} ms`);
}

/**
 * The page that loads the bundle: classic scripts, so the preview's opaque origin can load them;
 * the reporter is a plain (not deferred) script, so it listens before any app code runs.
 */
function writeIndexHtml(styles) {
  const links = styles.map((s) => `\n    <link rel="stylesheet" crossorigin="anonymous" href="${s}" />`).join("");
  writeFileSync(
    `${OUT}/index.html`,
    `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />\n    <script crossorigin="anonymous" src="${REPORTER}"></script>${links}\n    <script crossorigin="anonymous" src="app.js" defer></script>\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n`,
  );
}
