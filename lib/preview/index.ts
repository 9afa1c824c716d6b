import "server-only";
import { PreviewStore } from "./store";

export { servePreview, previewHeaders } from "./serve";
export { respondPreview } from "./relay";
export type { PublishedPreview } from "./store";

// On globalThis: Next loads this module once per server bundle, and a preview published by a
// route handler must be found by the preview route whichever bundle serves it.
const KEY = Symbol.for("tessera.previews");
const slot = globalThis as unknown as Record<typeof KEY, PreviewStore | undefined>;

/** The process's published previews (in memory: a preview lives as long as its sandbox). */
export function previewStore(): PreviewStore {
  slot[KEY] ??= new PreviewStore();
  return slot[KEY];
}
