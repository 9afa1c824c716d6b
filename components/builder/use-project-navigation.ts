import * as React from "react";
import type { Builder } from "./use-builder";
import type { Project } from "./types";
import { NOT_FOUND_NOTICE } from "./use-project-persistence";

/**
 * Moving between projects: the address says which project is open (`/p/<id>`, or `/` for a new
 * one), the back button goes back to the last one, and an opened project shows its last run
 * again — or runs once more when what it showed is gone (a server-style preview after a restart).
 */

export const projectPath = (id: string) => `/p/${encodeURIComponent(id)}`;

function idFromPath(pathname: string): string | null {
  const match = pathname.match(/^\/p\/([A-Za-z0-9_-]{1,64})\/?$/);
  return match ? match[1]! : null;
}

/** Whether a project's kept preview still answers (a static one survives restarts; a server's does not). */
async function previewAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { cache: "no-store", credentials: "omit" });
    return response.ok;
  } catch {
    return false;
  }
}

export function resumeRun(builder: Pick<Builder, "controller">, project: Project): void {
  if (!project.currentVersion) return;
  const last = project.lastRun;
  if (last && last.version === project.currentVersion) {
    if (last.result.kind === "execution") return;
    void previewAnswers(last.result.url).then((ok) => {
      if (!ok) void builder.controller.runCurrent();
    });
    return;
  }
  void builder.controller.runCurrent();
}

export interface Navigation {
  open: (id: string) => Promise<void>;
  startNew: () => Promise<void>;
  /** The current project was saved: give it its address. */
  saved: (project: Project) => void;
}

export function useProjectNavigation(builder: Builder): Navigation {
  const { controller, persistence, repository, store } = builder;

  const open = React.useCallback(
    async (id: string, push = true) => {
      if (store.getState().project.id === id) return;
      await persistence.flush();
      let project: Project | null = null;
      try {
        project = await repository.load(id);
      } catch (err) {
        store.dispatch({ type: "notice/set", notice: err instanceof Error ? err.message : "The project could not be opened." });
        return;
      }
      if (!project) {
        store.dispatch({ type: "notice/set", notice: NOT_FOUND_NOTICE });
        return;
      }
      controller.openProject(project);
      if (push && window.location.pathname !== projectPath(id)) window.history.pushState(null, "", projectPath(id));
      resumeRun(builder, project);
    },
    [builder, controller, persistence, repository, store],
  );

  const startNew = React.useCallback(async () => {
    await persistence.flush();
    controller.newProject();
    if (window.location.pathname !== "/") window.history.pushState(null, "", "/");
  }, [controller, persistence]);

  const saved = React.useCallback(
    (project: Project) => {
      if (store.getState().project.id !== project.id) return;
      if (window.location.pathname !== projectPath(project.id)) window.history.replaceState(null, "", projectPath(project.id));
    },
    [store],
  );

  React.useEffect(() => {
    const onPop = () => {
      const id = idFromPath(window.location.pathname);
      if (id) void open(id, false);
      else if (window.location.pathname === "/" && store.getState().project.versions.length + store.getState().project.messages.length > 0) {
        void persistence.flush().then(() => controller.newProject());
      }
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [open, controller, persistence, store]);

  return { open: (id) => open(id), startNew, saved };
}
