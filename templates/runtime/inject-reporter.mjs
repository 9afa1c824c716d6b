// Puts the preview error reporter (error-reporter.js, next to this file) into a built site: copies
// it to the site's root and adds it as the first script of every HTML page, so it listens before
// any of the page's own scripts run. The bundling templates write their page with it already;
// the HTML template, whose pages are the model's own, runs this after copying them:
//   node /opt/tessera/inject-reporter.mjs /workspace/dist
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const REPORTER = "tessera-error-reporter.js";
export const REPORTER_SOURCE = path.join(path.dirname(new URL(import.meta.url).pathname), "error-reporter.js");

// Where the tag goes: after <head>, else after <html>, else after the doctype (never before it,
// which would put the page into quirks mode), else at the very start.
const ANCHORS = [/<head\b[^>]*>/i, /<html\b[^>]*>/i, /<!doctype\b[^>]*>/i];

// Previews answer with Access-Control-Allow-Origin: *, so a script fetched in CORS mode may report
// its errors' details to the page's handlers; without `crossorigin` an opaque-origin page sees only
// "Script error." for every error thrown by its own files.
const SCRIPT_WITHOUT_CROSSORIGIN = /<script\b(?![^>]*\bcrossorigin\b)(?=[^>]*\bsrc=)/gi;

export function withReporter(html, src) {
  html = html.replace(SCRIPT_WITHOUT_CROSSORIGIN, '<script crossorigin="anonymous"');
  const tag = `<script crossorigin="anonymous" src="${src}"></script>`;
  for (const anchor of ANCHORS) {
    const match = anchor.exec(html);
    if (match) return html.slice(0, match.index + match[0].length) + tag + html.slice(match.index + match[0].length);
  }
  return tag + html;
}

function* htmlFiles(dir, depth = 0) {
  if (depth > 8) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(full, depth + 1);
    else if (entry.isFile() && /\.html?$/i.test(entry.name)) yield full;
  }
}

export function injectReporter(root) {
  copyFileSync(REPORTER_SOURCE, path.join(root, REPORTER));
  let pages = 0;
  for (const file of htmlFiles(root)) {
    const up = path.relative(path.dirname(file), root);
    const src = up ? `${up.split(path.sep).join("/")}/${REPORTER}` : REPORTER;
    // latin1 both ways keeps every byte as it was, whatever the page's encoding: the tag is ASCII.
    writeFileSync(file, withReporter(readFileSync(file, "latin1"), src), "latin1");
    pages++;
  }
  return pages;
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const root = process.argv[2];
  if (!root) {
    console.error("usage: node inject-reporter.mjs <site-dir>");
    process.exit(2);
  }
  injectReporter(root);
}
