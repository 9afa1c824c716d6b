import * as React from "react";
import type { ProjectSummary } from "@/lib/projects/schema";
import { PROJECT_LIMITS } from "@/lib/projects/schema";
import type { ServerRepository } from "@/components/builder/state/server-repository";

/**
 * The sidebar's list of saved projects: fetched from the server, searched by title (debounced),
 * refreshed after saves, and deleted with a window in which the delete can be undone.
 */

export interface PendingDelete {
  id: string;
  title: string;
  /** When the server stops accepting the undo (ms since epoch). */
  until: number;
}

export interface ProjectList {
  projects: ProjectSummary[] | null;
  error: string | null;
  search: string;
  setSearch: (search: string) => void;
  refresh: () => void;
  pendingDelete: PendingDelete | null;
  remove: (project: { id: string; title: string }) => Promise<void>;
  undo: () => Promise<boolean>;
  dismissDelete: () => void;
}

const SEARCH_DELAY_MS = 200;

export function useProjectList(repository: ServerRepository): ProjectList {
  const [projects, setProjects] = React.useState<ProjectSummary[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [search, setSearch] = React.useState("");
  const [tick, setTick] = React.useState(0);
  const [pendingDelete, setPendingDelete] = React.useState<PendingDelete | null>(null);

  React.useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(
      async () => {
        try {
          const list = await repository.list(search);
          if (!cancelled) {
            setProjects(list);
            setError(null);
          }
        } catch (err) {
          if (!cancelled) setError(err instanceof Error ? err.message : "Projects could not be listed.");
        }
      },
      search ? SEARCH_DELAY_MS : 0,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [repository, search, tick]);

  // The undo offer ends with the server's window.
  React.useEffect(() => {
    if (!pendingDelete) return;
    const timer = setTimeout(() => setPendingDelete(null), Math.max(0, pendingDelete.until - Date.now()));
    return () => clearTimeout(timer);
  }, [pendingDelete]);

  const refresh = React.useCallback(() => setTick((n) => n + 1), []);

  const remove = React.useCallback(
    async (project: { id: string; title: string }) => {
      // Gone from the list at once; the server keeps it restorable for the undo window.
      setProjects((list) => list?.filter((p) => p.id !== project.id) ?? list);
      try {
        await repository.remove(project.id);
        setPendingDelete({ id: project.id, title: project.title, until: Date.now() + PROJECT_LIMITS.undoDeleteMs });
      } catch (err) {
        setError(err instanceof Error ? `Could not delete "${project.title}": ${err.message}` : "The project could not be deleted.");
      }
      refresh();
    },
    [repository, refresh],
  );

  const undo = React.useCallback(async () => {
    const pending = pendingDelete;
    if (!pending) return false;
    setPendingDelete(null);
    try {
      await repository.restore(pending.id);
      refresh();
      return true;
    } catch (err) {
      setError(err instanceof Error ? `Could not bring back "${pending.title}": ${err.message}` : "The project could not be brought back.");
      return false;
    }
  }, [pendingDelete, repository, refresh]);

  return { projects, error, search, setSearch, refresh, pendingDelete, remove, undo, dismissDelete: () => setPendingDelete(null) };
}
