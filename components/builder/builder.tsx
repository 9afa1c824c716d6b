"use client";

import * as React from "react";
import { EXAMPLES } from "@/lib/fragment/examples";
import type { Preferences } from "@/lib/preferences";
import { ChatPanel } from "@/components/chat/chat-panel";
import { CHAT_INPUT_ID } from "@/components/chat/composer";
import type { ExampleCardInfo } from "@/components/chat/examples-gallery";
import { AppHeader } from "@/components/shell/app-header";
import { SkipLink } from "@/components/shell/skip-link";
import { BuilderWorkspace } from "./builder-workspace";
import { fixLabel } from "./state/autofix";
import { streamingSummary } from "./state/generation";
import { hasContent } from "./state/project";
import { retryableMessage, versionSummary } from "./state/selectors";
import type { ModelOption, TemplateOption } from "./types";
import { useBuilder } from "./use-builder";

export interface BuilderProps {
  preferences: Preferences;
  /** The request's CSP nonce, for the editor's style elements. */
  nonce?: string;
  models: ModelOption[];
  defaultModel: string | null;
  templates: TemplateOption[];
  /** Display names of the providers the models come from, for the header. */
  providers: string[];
}

const NEW_PROJECT_CONFIRM = "Start a new project? The current one stays saved in this browser.";

/** The builder page's client side: header, chat and workspace over one project state. */
export function Builder({ preferences, nonce, models, defaultModel, templates, providers }: BuilderProps) {
  const builder = useBuilder({ models, defaultModel, templates });
  const { state, controller, store, setPrefs } = builder;
  const { project, turn, generation, failure } = state;

  React.useEffect(() => {
    document.title = `${project.title} · Tessera`;
  }, [project.title]);

  const examples = React.useMemo<ExampleCardInfo[]>(
    () => EXAMPLES.map(({ id, title, description, template, prompt }) => ({ id, title, description, template, prompt })),
    [],
  );
  const runExample = (id: string) => {
    const example = EXAMPLES.find((e) => e.id === id);
    if (example) controller.runExample({ title: example.title, description: example.description, fragment: example.fragment });
  };

  const versionInfo = React.useCallback(
    (n: number | undefined) => {
      const summary = versionSummary({ project }, n);
      return summary ? { n: summary.version.n, changed: summary.changed } : null;
    },
    [project],
  );

  const streaming = turn ? { model: turn.model?.label, ...streamingSummary(generation.partial) } : null;

  const newProject = () => {
    // An empty project is already a new one; replacing it would only leave an empty one behind.
    if (!hasContent(project)) return;
    if (!window.confirm(NEW_PROJECT_CONFIRM)) return;
    controller.newProject();
  };

  return (
    <div className="flex min-h-dvh flex-col md:h-dvh md:min-h-0 md:overflow-hidden">
      <SkipLink targetId={CHAT_INPUT_ID}>Skip to chat input</SkipLink>
      <AppHeader projectTitle={project.title} model={{ providers, modelCount: models.length }} preferences={preferences} onNewProject={newProject} />
      <main className="flex flex-1 flex-col md:min-h-0 md:flex-row">
        <ChatPanel
          messages={project.messages}
          streaming={streaming}
          versionInfo={versionInfo}
          currentVersion={project.currentVersion}
          onSelectVersion={controller.select}
          retryId={retryableMessage(state)?.id}
          onRetry={controller.retry}
          onSend={controller.send}
          onStop={controller.stop}
          models={models}
          model={builder.model}
          onModelChange={(model) => setPrefs({ model })}
          templates={templates}
          template={builder.template}
          onTemplateChange={(template) => setPrefs({ template })}
          autoFix={builder.autoFix}
          onAutoFixChange={(autoFix) => setPrefs({ autoFix })}
          autoFixStatus={state.autofix.status}
          failure={failure ? { message: failure.message, label: fixLabel(failure) } : null}
          onFix={() => void controller.fix()}
          examples={examples}
          onRunExample={runExample}
          notice={state.notice}
          onDismissNotice={() => store.dispatch({ type: "notice/set", notice: null })}
          restored={builder.restored}
          className="min-h-[32rem] md:min-h-0 md:w-2/5 md:max-w-[40rem] md:min-w-[22rem] md:flex-none md:border-r"
        />
        <BuilderWorkspace
          builder={builder}
          codeFontSize={preferences.codeFontSize}
          nonce={nonce}
          className="min-h-[32rem] flex-1 border-t md:min-h-0 md:border-t-0"
        />
      </main>
    </div>
  );
}
