"use client";

import { useEffect, useRef } from "react";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import { Annotation, Compartment, EditorState, Transaction, type Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { cn } from "@/lib/utils";
import { languageIdForPath, loadedLanguage, loadLanguage } from "./editor-language";
import { editorTheme } from "./editor-theme";
import { codeFontSizeClass, DEFAULT_CODE_FONT_SIZE } from "./font-size";
import { textChange } from "./text-change";

export interface CodeEditorProps {
  /** The file's path: picks the syntax and keys the undo history. */
  path: string;
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  /** The codeFontSize preference, 10–24 px. */
  fontSize?: number;
  /** The request's CSP nonce (the x-nonce header), for the <style> element CodeMirror injects. */
  nonce?: string;
  className?: string;
}

/** Marks changes that came from the `value` prop, so they are not echoed back through onChange. */
const fromProps = Annotation.define<boolean>();
const languageSlot = new Compartment();
const editableSlot = new Compartment();
/** Undo histories kept for files switched away from; beyond this the oldest is dropped. */
const MAX_KEPT_STATES = 40;

const editable = (readOnly: boolean): Extension => [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];

/*
 * Without a nonce prop, borrow the one Next stamped on its own scripts. The `nonce` property still
 * holds it after Chromium blanks the attribute, which it does to keep the nonce out of the DOM.
 */
function documentNonce(): string | undefined {
  return document.querySelector<HTMLElement>("script[nonce], style[nonce]")?.nonce || undefined;
}

interface StateOptions {
  path: string;
  doc: string;
  readOnly: boolean;
  nonce: string | undefined;
  notify: (doc: string) => void;
}

function createState({ path, doc, readOnly, nonce, notify }: StateOptions): EditorState {
  return EditorState.create({
    doc,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      // Tab indents; Escape then Tab still leaves the editor (CodeMirror's tab-focus escape hatch).
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      languageSlot.of(loadedLanguage(languageIdForPath(path)) ?? []),
      editableSlot.of(editable(readOnly)),
      EditorView.contentAttributes.of({ "aria-label": `Code of ${path}` }),
      editorTheme,
      ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromProps))) notify(update.state.doc.toString());
      }),
    ],
  });
}

/** Load the path's grammar and switch it on, unless the editor has moved to another file meanwhile. */
function ensureLanguage(view: EditorView, path: string, currentPath: () => string) {
  const id = languageIdForPath(path);
  if (!id || loadedLanguage(id) === languageSlot.get(view.state)) return;
  loadLanguage(id)
    .then((support) => {
      if (currentPath() === path && languageSlot.get(view.state) !== support) {
        view.dispatch({ effects: languageSlot.reconfigure(support) });
      }
    })
    // Plain text is a fine fallback when a grammar chunk cannot load.
    .catch(() => {});
}

export function CodeEditor({ path, value, onChange, readOnly = false, fontSize = DEFAULT_CODE_FONT_SIZE, nonce, className }: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const pathRef = useRef(path);
  const keptStates = useRef(new Map<string, EditorState>());
  const onChangeRef = useRef(onChange);

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  // One effect creates the view and then keeps it in step with the props, so the editor (its
  // focus, scroll and per-file undo history) survives streaming updates and restores.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const options = { path, doc: value, readOnly, nonce: nonce || documentNonce(), notify: (doc: string) => onChangeRef.current?.(doc) };
    const currentPath = () => pathRef.current;
    let view = viewRef.current;

    if (!view) {
      view = new EditorView({ parent: host, state: createState(options) });
      viewRef.current = view;
      pathRef.current = path;
      ensureLanguage(view, path, currentPath);
      return;
    }

    if (pathRef.current !== path) {
      const kept = keptStates.current;
      kept.delete(pathRef.current);
      kept.set(pathRef.current, view.state);
      if (kept.size > MAX_KEPT_STATES) kept.delete(kept.keys().next().value!);
      const previous = kept.get(path);
      // A kept state is reused only if the file has not changed since; otherwise start afresh.
      view.setState(previous && previous.doc.toString() === value ? previous : createState(options));
      pathRef.current = path;
      ensureLanguage(view, path, currentPath);
    } else {
      const change = textChange(view.state.doc.toString(), value);
      if (change) {
        // Not undoable: undo should step through the reader's own edits, not the model's stream.
        view.dispatch({ changes: change, annotations: [fromProps.of(true), Transaction.addToHistory.of(false)] });
      }
    }
    if (view.state.readOnly !== readOnly) view.dispatch({ effects: editableSlot.reconfigure(editable(readOnly)) });
  }, [path, value, readOnly, nonce]);

  useEffect(
    () => () => {
      viewRef.current?.destroy();
      viewRef.current = null;
    },
    [],
  );

  return (
    <div
      ref={hostRef}
      data-testid="code-editor"
      data-path={path}
      data-readonly={readOnly ? "true" : undefined}
      className={cn(
        "relative min-h-0 flex-1 overflow-hidden",
        // The ring sits on an overlay: an inset ring on the wrapper itself would be painted over.
        "after:pointer-events-none after:absolute after:inset-0 after:z-10 focus-within:after:ring-2 focus-within:after:ring-ring/60 focus-within:after:ring-inset",
        codeFontSizeClass(fontSize),
        className,
      )}
    />
  );
}
