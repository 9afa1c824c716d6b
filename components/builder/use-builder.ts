import * as React from "react";
import { createBuilderController, type BuilderController, type ControllerPrefs } from "./controller";
import { newId } from "./ids";
import { emptyProject } from "./state/project";
import { initialBuilderState, type BuilderState } from "./state/reducer";
import { browserStorage, localStorageRepository } from "./state/repository";
import { createBuilderStore, type BuilderStore } from "./state/store";
import type { ModelOption, ProjectRepository, TemplateOption } from "./types";
import { useBuilderPrefs, type BuilderPrefs } from "./use-builder-prefs";
import { useProjectPersistence } from "./use-project-persistence";

export interface BuilderConfig {
  models: ModelOption[];
  defaultModel: string | null;
  templates: TemplateOption[];
  /** Where projects are kept; the browser's localStorage unless a caller passes another. */
  repository?: ProjectRepository;
}

export interface Builder {
  state: BuilderState;
  controller: BuilderController;
  store: BuilderStore;
  /** The effective choices: a stored model or template the server no longer offers falls back. */
  model: ModelOption | null;
  template: string;
  autoFix: boolean;
  setPrefs: (patch: Partial<BuilderPrefs>) => void;
  /** The saved project has been looked for (and loaded if there was one). */
  restored: boolean;
}

export function effectivePrefs(prefs: BuilderPrefs, config: Pick<BuilderConfig, "models" | "defaultModel" | "templates">): ControllerPrefs {
  const model = config.models.find((m) => m.id === prefs.model) ?? config.models.find((m) => m.id === config.defaultModel) ?? config.models[0];
  const template = prefs.template === "auto" || config.templates.some((t) => t.id === prefs.template) ? prefs.template : "auto";
  return { autoFix: prefs.autoFix, model: model?.id ?? null, template };
}

/** The builder's state, its actions, and persistence, for the page's client component. */
export function useBuilder(config: BuilderConfig): Builder {
  // Created once per mount. The id and time differ between the server render and the browser,
  // which is harmless: neither is rendered, and a saved project replaces both right after.
  const [store] = React.useState(() => createBuilderStore(initialBuilderState(emptyProject(newId(), new Date().toISOString()))));
  const state = React.useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const [prefs, setPrefs] = useBuilderPrefs();
  const effective = effectivePrefs(prefs, config);

  const [controller] = React.useState(() => createBuilderController({ store, prefs: effective }));
  // The controller's async work reads the newest choices when it acts, not the ones of its start.
  const { autoFix, model, template } = effective;
  React.useEffect(() => controller.setPrefs({ autoFix, model, template }), [controller, autoFix, model, template]);
  React.useEffect(() => () => controller.dispose(), [controller]);

  const { repository: given } = config;
  const repository = React.useMemo(
    () => given ?? localStorageRepository({ storage: browserStorage, onWarning: (notice) => store.dispatch({ type: "notice/set", notice }) }),
    [given, store],
  );
  const restored = useProjectPersistence(store, repository);

  return {
    state,
    controller,
    store,
    model: config.models.find((m) => m.id === effective.model) ?? null,
    template: effective.template,
    autoFix: effective.autoFix,
    setPrefs,
    restored,
  };
}
