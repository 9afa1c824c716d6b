// Shared by the static templates' builds (mounted read-only at /opt/tessera in every sandbox).
import { existsSync, writeFileSync } from "node:fs";

/** esbuild's errors as `file:line:col: message`, relative to the project, one per line. */
export function reportBuildErrors(err, workspace) {
  for (const e of err.errors ?? []) {
    const where = e.location ? `${e.location.file.replace(`${workspace}/`, "")}:${e.location.line}:${e.location.column}: ` : "";
    console.error(`${where}${e.text}`);
  }
  if (!err.errors) console.error(String(err.message ?? err));
}

/** The page that loads the bundle: classic scripts, so the preview's opaque origin can load them. */
export function writeIndexHtml(outDir) {
  const css = existsSync(`${outDir}/app.css`) ? '\n    <link rel="stylesheet" href="app.css" />' : "";
  writeFileSync(
    `${outDir}/index.html`,
    `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />${css}\n    <script src="app.js" defer></script>\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n`,
  );
}
