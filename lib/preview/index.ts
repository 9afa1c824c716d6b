import "server-only";
import { PreviewStore } from "./store";

export { servePreview, previewHeaders } from "./serve";
export { respondPreview } from "./relay";
export type { PublishedPreview } from "./store";

let store: PreviewStore | undefined;

/** The process's published previews (in memory: a preview lives as long as its sandbox). */
export function previewStore(): PreviewStore {
  store ??= new PreviewStore();
  return store;
}
