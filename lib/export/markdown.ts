/**
 * Untrusted text (a project's title, a file path the model chose, a template name) as it goes into
 * an export's README. Markdown renderers differ in how much HTML they pass through — GitHub
 * sanitizes, many editors' previews and static-site tools do not — so the text is made inert for
 * all of them: nothing in it can open a tag, a link, an image, emphasis or a heading's end.
 */

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
// CommonMark lets any ASCII punctuation be backslash-escaped, and an escaped one is only itself.
// Left as they are, for a README that still reads well as plain text: marks that start nothing in
// the middle of a line once `<`, `[` and the emphasis and code marks are escaped.
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
// (`!` and `(` mean something only next to a `[` or `]`, which are escaped.)
const READABLE = new Set([".", ",", ":", ";", "?", "!", "(", ")", "-", "+", "/", "=", "'", '"', "%"]);

/**
 * Text that renders as exactly itself, on one line, and nothing else: `&`, `<` and `>` as character
 * references (which Markdown and HTML both turn back into the character), the other ASCII
 * punctuation that could start something backslash-escaped. For text that follows something on
 * its line (a heading's `# `, a label), kept to one line by the caller (lib/export/names.ts
 * displayTitle): `-`, `+` and `=` would mean something at the start of one.
 */
export function markdownText(text: string): string {
  return Array.from(text, (c) => HTML_ENTITIES[c] ?? (ASCII_PUNCTUATION.test(c) && !READABLE.has(c) ? `\\${c}` : c)).join("");
}

/** Inline code that survives a backtick in the text (CommonMark: a longer fence than any run inside). */
export function markdownCode(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
