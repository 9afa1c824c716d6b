import type { LanguageSupport } from "@codemirror/language";

/** Which syntax a file gets, by extension; the grammars themselves load on demand (see loadLanguage). */
export type LanguageId = "javascript" | "jsx" | "typescript" | "tsx" | "python" | "html" | "css" | "json" | "vue" | "markdown";

const BY_EXTENSION: Record<string, LanguageId> = {
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "jsx",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "tsx",
  py: "python",
  html: "html",
  htm: "html",
  css: "css",
  json: "json",
  vue: "vue",
  md: "markdown",
  markdown: "markdown",
};

export function languageIdForPath(path: string): LanguageId | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null;
}

/*
 * Grammars are split out of the main bundle: a project uses two or three of them, and the page
 * should not wait for the rest. A loaded grammar is kept, so switching back to a file is instant.
 */
const loaded = new Map<LanguageId, LanguageSupport>();
const pending = new Map<LanguageId, Promise<LanguageSupport>>();

async function importLanguage(id: LanguageId): Promise<LanguageSupport> {
  switch (id) {
    case "javascript":
    case "jsx":
    case "typescript":
    case "tsx": {
      const { javascript } = await import("@codemirror/lang-javascript");
      return javascript({ jsx: id === "jsx" || id === "tsx", typescript: id === "typescript" || id === "tsx" });
    }
    case "python":
      return (await import("@codemirror/lang-python")).python();
    case "html":
      return (await import("@codemirror/lang-html")).html();
    case "css":
      return (await import("@codemirror/lang-css")).css();
    case "json":
      return (await import("@codemirror/lang-json")).json();
    case "vue":
      return (await import("@codemirror/lang-vue")).vue();
    case "markdown":
      return (await import("@codemirror/lang-markdown")).markdown();
  }
}

/** The grammar if it is already loaded, so a new editor state can start highlighted. */
export function loadedLanguage(id: LanguageId | null): LanguageSupport | null {
  return id ? (loaded.get(id) ?? null) : null;
}

export function loadLanguage(id: LanguageId): Promise<LanguageSupport> {
  let promise = pending.get(id);
  if (!promise) {
    promise = importLanguage(id).then((support) => {
      loaded.set(id, support);
      return support;
    });
    // A failed chunk load (offline, a redeploy) may be retried on the next file switch.
    promise.catch(() => pending.delete(id));
    pending.set(id, promise);
  }
  return promise;
}
