import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

/*
 * One theme for both modes: every colour is either an app token (var(--…), which app/globals.css
 * switches with the theme) or light-dark(), which follows the color-scheme the same tokens set. So
 * toggling the theme restyles the editor through CSS alone, with no editor reconfiguration.
 */

const both = (light: string, dark: string) => `light-dark(${light}, ${dark})`;
const tint = (token: string, percent: number) => `color-mix(in oklab, var(${token}) ${percent}%, transparent)`;

const chrome = EditorView.theme({
  "&": { height: "100%", color: "var(--foreground)", backgroundColor: "var(--background)" },
  // The wrapper draws the focus ring, so it matches every other control in the app.
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": {
    fontFamily: "var(--font-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)",
    lineHeight: "1.6",
    overflow: "auto",
  },
  ".cm-content": { caretColor: "var(--primary)", padding: "0.5rem 0" },
  ".cm-line": { padding: "0 1rem 0 0.5rem" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--primary)", borderLeftWidth: "2px" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
    backgroundColor: tint("--primary", 24),
  },
  ".cm-activeLine": { backgroundColor: tint("--muted", 75) },
  ".cm-gutters": {
    backgroundColor: "var(--surface)",
    color: "var(--muted-foreground)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLineGutter": { backgroundColor: "var(--muted)", color: "var(--foreground)" },
  ".cm-lineNumbers .cm-gutterElement": { padding: "0 0.75rem 0 0.5rem", minWidth: "2.5rem" },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: tint("--primary", 16),
    outline: `1px solid ${tint("--primary", 45)}`,
  },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: tint("--destructive", 22) },
  ".cm-specialChar": { color: "var(--destructive)" },
});

const syntax = HighlightStyle.define([
  { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword], color: both("#7c3aed", "#c4b5fd") },
  { tag: [t.string, t.special(t.string), t.character, t.regexp, t.escape], color: both("#047857", "#86efac") },
  { tag: [t.number, t.bool, t.null, t.atom, t.unit], color: both("#b45309", "#fcd34d") },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: both("#6b7280", "#8b93a7"), fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.labelName], color: both("#1d4ed8", "#93c5fd") },
  { tag: [t.typeName, t.className, t.namespace, t.standard(t.typeName)], color: both("#0e7490", "#67e8f9") },
  { tag: [t.definition(t.variableName), t.definition(t.propertyName)], color: both("#111827", "#f3f4f6") },
  { tag: [t.propertyName, t.attributeName], color: both("#9a3412", "#fdba74") },
  { tag: [t.tagName, t.angleBracket], color: both("#be123c", "#fda4af") },
  { tag: [t.operator, t.punctuation, t.separator, t.bracket], color: both("#475569", "#a1a1aa") },
  { tag: [t.meta, t.processingInstruction, t.documentMeta], color: both("#64748b", "#94a3b8") },
  { tag: [t.heading], color: both("#4338ca", "#a5b4fc"), fontWeight: "700" },
  { tag: [t.link, t.url], color: both("#1d4ed8", "#93c5fd"), textDecoration: "underline" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "700" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: t.invalid, color: "var(--destructive)" },
]);

export const editorTheme: Extension = [chrome, syntaxHighlighting(syntax)];
