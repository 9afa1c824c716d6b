import * as React from "react";
import { z } from "zod";
import { browserStorage } from "./state/repository";

/**
 * Builder choices kept in localStorage (not the preferences cookie: the server needs none of them
 * to render): auto-fix on/off, the model and the template last picked. Read through
 * useSyncExternalStore so the server render and hydration use the defaults and the stored values
 * apply right after, without a mismatch.
 */

export const BUILDER_PREFS_KEY = "tessera.builder.v1";

const prefsSchema = z.object({
  autoFix: z.boolean().catch(true),
  model: z.string().max(200).nullable().catch(null),
  template: z.string().max(64).catch("auto"),
});
export type BuilderPrefs = z.infer<typeof prefsSchema>;

export const DEFAULT_BUILDER_PREFS: BuilderPrefs = { autoFix: true, model: null, template: "auto" };

const listeners = new Set<() => void>();
let cache: { raw: string | null; value: BuilderPrefs } = { raw: null, value: DEFAULT_BUILDER_PREFS };

export function parseBuilderPrefs(raw: string | null): BuilderPrefs {
  if (!raw) return DEFAULT_BUILDER_PREFS;
  try {
    const parsed = prefsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_BUILDER_PREFS;
  } catch {
    return DEFAULT_BUILDER_PREFS;
  }
}

function read(): BuilderPrefs {
  let raw: string | null = null;
  try {
    raw = browserStorage()?.getItem(BUILDER_PREFS_KEY) ?? null;
  } catch {
    raw = null;
  }
  // The same object for the same stored text, as useSyncExternalStore requires.
  if (raw !== cache.raw) cache = { raw, value: parseBuilderPrefs(raw) };
  return cache.value;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === BUILDER_PREFS_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function writeBuilderPrefs(patch: Partial<BuilderPrefs>): void {
  const next = { ...read(), ...patch };
  const raw = JSON.stringify(next);
  try {
    browserStorage()?.setItem(BUILDER_PREFS_KEY, raw);
    cache = { raw, value: next };
  } catch {
    // Storage full or blocked: the choice still applies until the page is reloaded.
    cache = { raw: cache.raw, value: next };
  }
  for (const listener of listeners) listener();
}

export function useBuilderPrefs(): [BuilderPrefs, (patch: Partial<BuilderPrefs>) => void] {
  const prefs = React.useSyncExternalStore(subscribe, read, () => DEFAULT_BUILDER_PREFS);
  return [prefs, writeBuilderPrefs];
}
