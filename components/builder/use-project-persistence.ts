import * as React from "react";
import { hasContent } from "./state/project";
import { QUOTA_MESSAGE, RepositoryError, UNAVAILABLE_MESSAGE } from "./state/repository";
import type { BuilderStore } from "./state/store";
import type { Project, ProjectRepository } from "./types";

const SAVE_DELAY_MS = 400;
const SAVE_FAILURE_NOTICES = new Set([QUOTA_MESSAGE, UNAVAILABLE_MESSAGE]);

/**
 * Loads the most recently changed project once, then saves the current one shortly after each
 * change (and when the page is hidden). A failed save never touches the in-memory project: it
 * only puts the reason on screen, and the next successful save takes it down again.
 * Returns whether the saved project has been looked for (so tests and the UI can wait for it).
 */
export function useProjectPersistence(store: BuilderStore, repository: ProjectRepository): boolean {
  const [restored, setRestored] = React.useState(false);

  React.useEffect(() => {
    let cancelled = false;
    let loaded = false;
    let lastSaved = store.getState().project;
    /** The project seen at the last store change, to notice when another one replaces it. */
    let latest = lastSaved;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const notice = (message: string | null) => store.dispatch({ type: "notice/set", notice: message });

    // The page's first, empty project is not worth a key; an empty one from "New project" is (so a
    // reload opens it, not the project before it).
    const initialId = lastSaved.id;

    async function save(project = store.getState().project) {
      if (project === lastSaved || (!hasContent(project) && project.id === initialId)) return;
      try {
        await repository.save(project);
        lastSaved = project;
        const current = store.getState().notice;
        if (current && SAVE_FAILURE_NOTICES.has(current)) notice(null);
      } catch (err) {
        notice(err instanceof RepositoryError ? err.message : "The project could not be saved in this browser.");
      }
    }

    const schedule = () => {
      timer = setTimeout(() => {
        timer = null;
        void save();
      }, SAVE_DELAY_MS);
    };
    const flush = () => {
      if (!timer) return;
      clearTimeout(timer);
      timer = null;
      void save();
    };

    void (async () => {
      let stored: Project | null = null;
      try {
        const [newest] = await repository.list();
        stored = newest ? await repository.load(newest.id) : null;
        if (!cancelled && stored) store.dispatch({ type: "project/load", project: stored });
      } catch (err) {
        if (!cancelled) notice(err instanceof RepositoryError ? err.message : "Saved projects could not be read.");
      }
      if (cancelled) return;
      loaded = true;
      // The loaded project is saved already; work begun before it arrived (which wins) is not.
      const project = store.getState().project;
      if (project === stored) lastSaved = project;
      else if (project !== lastSaved) schedule();
      setRestored(true);
    })();

    const unsubscribe = store.subscribe(() => {
      const project = store.getState().project;
      if (project === latest) return;
      // Another project took over (New project) while this one had a save pending: save it now.
      if (timer && project.id !== latest.id) {
        clearTimeout(timer);
        timer = null;
        void save(latest);
      }
      latest = project;
      if (loaded && !timer && project !== lastSaved) schedule();
    });
    window.addEventListener("pagehide", flush);
    return () => {
      cancelled = true;
      unsubscribe();
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [store, repository]);

  return restored;
}
