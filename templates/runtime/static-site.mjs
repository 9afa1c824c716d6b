// Shared by the static templates' builds (mounted read-only at /opt/tessera in every sandbox):
// bundle /workspace's entry into /workspace/dist with the template's esbuild, report errors as
// `file:line:col: message`, and write the page that loads the bundle.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";

export const WORKSPACE = "/workspace";
export const OUT = `${WORKSPACE}/dist`;

export async function bundleSite(esbuild, entry, extra = {}) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  try {
    await esbuild.build({
      entryPoints: { app: entry },
      bundle: true,
      outdir: OUT,
      format: "iife",
      target: "es2022",
      minify: true,
      nodePaths: ["/opt/template/node_modules"],
      loader: { ".png": "dataurl", ".jpg": "dataurl", ".svg": "dataurl", ".gif": "dataurl", ".webp": "dataurl", ".woff2": "dataurl" },
      logLevel: "silent",
      ...extra,
      define: { "process.env.NODE_ENV": '"production"', ...extra.define },
    });
  } catch (err) {
    for (const e of err.errors ?? []) {
      const where = e.location ? `${e.location.file.replace(`${WORKSPACE}/`, "")}:${e.location.line}:${e.location.column}: ` : "";
      console.error(`${where}${e.text}`);
    }
    if (!err.errors) console.error(String(err.message ?? err));
    process.exit(1);
  }
  writeIndexHtml();
  console.log(`built in ${Date.now() - started} ms`);
}

/** The page that loads the bundle: classic scripts, so the preview's opaque origin can load them. */
function writeIndexHtml() {
  const css = existsSync(`${OUT}/app.css`) ? '\n    <link rel="stylesheet" href="app.css" />' : "";
  writeFileSync(
    `${OUT}/index.html`,
    `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />${css}\n    <script src="app.js" defer></script>\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n`,
  );
}
