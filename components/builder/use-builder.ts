import * as React from "react";
import { createBuilderController, type BuilderController, type ControllerPrefs } from "./controller";
import { newId } from "./ids";
import { emptyProject } from "./state/project";
import { initialBuilderState, type BuilderState } from "./state/reducer";
import { RepositoryError } from "./state/repository";
import { serverRepository, type ServerRepository } from "./state/server-repository";
import { createBuilderStore, type BuilderStore } from "./state/store";
import type { ModelOption, Project, TemplateOption } from "./types";
import { useBuilderPrefs, type BuilderPrefs } from "./use-builder-prefs";
import { resumeRun } from "./use-project-navigation";
import { useProjectPersistence, type Persistence } from "./use-project-persistence";

export interface BuilderConfig {
  models: ModelOption[];
  defaultModel: string | null;
  templates: TemplateOption[];
  /** The project to open (from the URL); none starts a new one. */
  initialProjectId?: string;
  /** Where projects are kept; the server unless a caller passes another. */
  repository?: ServerRepository;
  /** A project was saved (the page puts its id in the URL and refreshes the list). */
  onSaved?: (project: Project) => void;
}

export interface Builder {
  state: BuilderState;
  controller: BuilderController;
  store: BuilderStore;
  repository: ServerRepository;
  persistence: Persistence;
  /** The effective choices: a stored model or template the server no longer offers falls back. */
  model: ModelOption | null;
  template: string;
  autoFix: boolean;
  setPrefs: (patch: Partial<BuilderPrefs>) => void;
  /** The project named in the URL has been looked for (and opened if it was found). */
  restored: boolean;
}

export function effectivePrefs(prefs: BuilderPrefs, config: Pick<BuilderConfig, "models" | "defaultModel" | "templates">): ControllerPrefs {
  const model = config.models.find((m) => m.id === prefs.model) ?? config.models.find((m) => m.id === config.defaultModel) ?? config.models[0];
  const template = prefs.template === "auto" || config.templates.some((t) => t.id === prefs.template) ? prefs.template : "auto";
  return { autoFix: prefs.autoFix, model: model?.id ?? null, template };
}

export const NOT_SAVED_MESSAGE = "This project is not saved on the server yet, so it cannot run. Check the notice above; it will be saved as soon as the server answers.";

/** The builder's state, its actions, and persistence, for the page's client component. */
export function useBuilder(config: BuilderConfig): Builder {
  // Created once per mount. The id and time differ between the server render and the browser,
  // which is harmless: neither is rendered, and an opened project replaces both right after.
  const [store] = React.useState(() => createBuilderStore(initialBuilderState(emptyProject(newId(), new Date().toISOString()))));
  const state = React.useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const [prefs, setPrefs] = useBuilderPrefs();
  const effective = effectivePrefs(prefs, config);

  const { repository: given } = config;
  const repository = React.useMemo(
    () => given ?? serverRepository({ onWarning: (notice) => store.dispatch({ type: "notice/set", notice }) }),
    [given, store],
  );
  const onSaved = React.useRef(config.onSaved);
  React.useEffect(() => {
    onSaved.current = config.onSaved;
  });
  const controllerRef = React.useRef<BuilderController | null>(null);
  const persistence = useProjectPersistence(store, repository, {
    ...(config.initialProjectId ? { initialProjectId: config.initialProjectId } : {}),
    onSaved: (project) => onSaved.current?.(project),
    onOpened: (project) => {
      if (controllerRef.current) resumeRun({ controller: controllerRef.current }, project);
    },
  });
  const flush = persistence.flush;

  const [controller] = React.useState(() =>
    createBuilderController({
      store,
      prefs: effective,
      // The server chats about and runs only projects it has: a project it does not know yet is
      // saved first. Once it exists, requests go at once (the debounced save follows).
      beforeRequest: async () => {
        if (repository.known(store.getState().project.id)) return;
        await flush();
        if (!repository.known(store.getState().project.id)) throw new RepositoryError("unavailable", NOT_SAVED_MESSAGE);
      },
    }),
  );
  React.useEffect(() => {
    controllerRef.current = controller;
  }, [controller]);
  // The controller's async work reads the newest choices when it acts, not the ones of its start.
  const { autoFix, model, template } = effective;
  React.useEffect(() => controller.setPrefs({ autoFix, model, template }), [controller, autoFix, model, template]);
  React.useEffect(() => () => controller.dispose(), [controller]);

  return {
    state,
    controller,
    store,
    repository,
    persistence,
    model: config.models.find((m) => m.id === effective.model) ?? null,
    template: effective.template,
    autoFix: effective.autoFix,
    setPrefs,
    restored: persistence.restored,
  };
}
