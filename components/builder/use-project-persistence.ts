import * as React from "react";
import { ApiError } from "./api";
import { hasContent } from "./state/project";
import { RepositoryError } from "./state/repository";
import type { BuilderStore } from "./state/store";
import type { Project, ProjectRepository } from "./types";

const SAVE_DELAY_MS = 400;
const RETRY_DELAY_MS = 5_000;
export const NOT_FOUND_NOTICE = "That project was not found: it may have been deleted, or it belongs to another account. This is a new project.";

export interface Persistence {
  /** The project named in the URL has been looked for (and opened if found). */
  restored: boolean;
  /** Save the current project now and wait for it (and for any save in flight). */
  flush(): Promise<void>;
}

export interface PersistenceOptions {
  /** A project to open at start (from the URL); none starts with the empty one in the store. */
  initialProjectId?: string;
  /** A project was saved (its first save made it exist on the server). */
  onSaved?: (project: Project) => void;
  /** The opened project, right after it was loaded. */
  onOpened?: (project: Project) => void;
}

function describe(err: unknown): string {
  if (err instanceof RepositoryError) return err.message;
  if (err instanceof ApiError) return `Your latest changes could not be saved: ${err.message}`;
  return "Your latest changes could not be saved. They are still here; saving will be tried again.";
}

/**
 * Opens the project named in the URL once, then saves the current project shortly after each
 * change (and when the page is hidden). A failed save never touches the in-memory project: it
 * puts the reason on screen, is tried again a little later, and the next successful save takes the
 * notice down again.
 */
export function useProjectPersistence(store: BuilderStore, repository: ProjectRepository, options: PersistenceOptions = {}): Persistence {
  const [restored, setRestored] = React.useState(options.initialProjectId === undefined);
  const flushRef = React.useRef<() => Promise<void>>(async () => {});
  const optionsRef = React.useRef(options);
  React.useEffect(() => {
    optionsRef.current = options;
  });
  const initialProjectId = options.initialProjectId;

  React.useEffect(() => {
    let cancelled = false;
    let loaded = initialProjectId === undefined;
    let lastSaved = store.getState().project;
    /** The project seen at the last store change, to notice when another one replaces it. */
    let latest = lastSaved;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let inFlight: Promise<void> = Promise.resolve();
    let failureNotice: string | null = null;
    const notice = (message: string | null) => store.dispatch({ type: "notice/set", notice: message });

    // The page's first, empty project is not worth saving; one with content (or one "New
    // project" made) is.
    const initialId = lastSaved.id;

    function save(project = store.getState().project): Promise<void> {
      const run = async () => {
        if (project === lastSaved || (!hasContent(project) && project.id === initialId)) return;
        try {
          await repository.save(project);
          lastSaved = project;
          if (failureNotice && store.getState().notice === failureNotice) notice(null);
          failureNotice = null;
          optionsRef.current.onSaved?.(project);
        } catch (err) {
          failureNotice = describe(err);
          notice(failureNotice);
          // Try again later (unless something newer is already waiting to be saved).
          if (!cancelled && !timer) timer = setTimeout(() => ((timer = null), void save()), RETRY_DELAY_MS);
        }
      };
      inFlight = inFlight.then(run, run);
      return inFlight;
    }

    // While the model writes or a run builds, saving waits: the server is the same machine doing
    // that work, and a save is worth more when it can hold the finished turn. (A save before
    // a request still happens; see the controller's beforeRequest.)
    const busy = () => {
      const s = store.getState();
      return s.turn !== null || s.run.status === "running";
    };
    const schedule = () => {
      timer = setTimeout(() => {
        timer = null;
        if (busy()) return;
        void save();
      }, SAVE_DELAY_MS);
    };
    const flush = (): Promise<void> => {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      return save();
    };
    flushRef.current = flush;

    if (initialProjectId !== undefined) {
      void (async () => {
        let stored: Project | null = null;
        try {
          stored = await repository.load(initialProjectId);
          if (!cancelled && stored) store.dispatch({ type: "project/load", project: stored });
          if (!cancelled && !stored) notice(NOT_FOUND_NOTICE);
        } catch (err) {
          if (!cancelled) notice(err instanceof RepositoryError || err instanceof ApiError ? err.message : "The project could not be read.");
        }
        if (cancelled) return;
        loaded = true;
        // The loaded project is saved already; work begun before it arrived (which wins) is not.
        const project = store.getState().project;
        if (project === stored) {
          lastSaved = project;
          optionsRef.current.onOpened?.(project);
        } else if (project !== lastSaved) schedule();
        setRestored(true);
      })();
    }

    let wasBusy = false;
    const unsubscribe = store.subscribe(() => {
      const project = store.getState().project;
      // A turn or run just ended: what waited for it is saved now, without the debounce (a reload
      // right after a preview appears must find it saved).
      const nowBusy = busy();
      if (wasBusy && !nowBusy && loaded && project !== lastSaved) void flush();
      wasBusy = nowBusy;
      if (project === latest) return;
      // Another project took over (New project, or one opened from the list) while this one had a
      // save pending: save it now.
      // (An opened project arrives saved: the repository knows, and its save sends nothing.)
      if (project.id !== latest.id && timer) {
        clearTimeout(timer);
        timer = null;
        void save(latest);
      }
      latest = project;
      if (loaded && !timer && project !== lastSaved) schedule();
    });
    const onHide = () => void flush();
    window.addEventListener("pagehide", onHide);
    return () => {
      cancelled = true;
      unsubscribe();
      window.removeEventListener("pagehide", onHide);
      void flush();
    };
  }, [store, repository, initialProjectId]);

  const flush = React.useCallback(() => flushRef.current(), []);
  return { restored, flush };
}
