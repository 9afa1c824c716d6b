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
import type { ModelOption, Project, TemplateOption } from "./types";
import { AccountMenu, type AccountInfo } from "@/components/account/account-menu";
import { ProjectActions } from "@/components/projects/project-actions";
import { ProjectSidebar, UndoDeleteToast } from "@/components/projects/project-sidebar";
import { useProjectList } from "@/components/projects/use-project-list";
import { cn } from "@/lib/utils";
import { useBrowserImport } from "./use-browser-import";
import { useBuilder } from "./use-builder";
import { useProjectNavigation } from "./use-project-navigation";

export interface BuilderProps {
  preferences: Preferences;
  /** The request's CSP nonce, for the editor's style elements. */
  nonce?: string;
  models: ModelOption[];
  defaultModel: string | null;
  templates: TemplateOption[];
  /** Display names of the providers the models come from, for the header. */
  providers: string[];
  /** The saved project to open (from the URL). */
  initialProjectId?: string;
  /** Who is signed in (the local user in local mode). */
  account: AccountInfo;
  /** Longest a share link may live on this server, in days. */
  shareMaxDays: number;
}

/** The builder page's client side: projects, header, chat and workspace over one project state. */
export function Builder({ preferences, nonce, models, defaultModel, templates, providers, initialProjectId, account, shareMaxDays }: BuilderProps) {
  const savedRef = React.useRef<(project: Project) => void>(() => {});
  const builder = useBuilder({
    models,
    defaultModel,
    templates,
    ...(initialProjectId ? { initialProjectId } : {}),
    onSaved: (project) => savedRef.current(project),
  });
  const { state, controller, store, setPrefs } = builder;
  const { project, turn, generation, failure } = state;
  const navigation = useProjectNavigation(builder);
  const projects = useProjectList(builder.repository);
  React.useEffect(() => {
    savedRef.current = (saved) => {
      navigation.saved(saved);
      projects.refresh();
    };
  });
  useBrowserImport(store, builder.repository, { enabled: account.kind === "local", onImported: projects.refresh });
  // Shown beside the chat on wide screens, folded away on phones until asked for.
  const [sidebar, setSidebar] = React.useState({ wide: true, narrow: false });
  const toggleSidebar = () => {
    const wide = window.matchMedia("(min-width: 768px)").matches;
    setSidebar((s) => (wide ? { ...s, wide: !s.wide } : { ...s, narrow: !s.narrow }));
  };

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
    void navigation.startNew();
  };

  const renameProject = (id: string, title: string) => {
    // The open project's title lives in the builder's state (and is saved from there).
    if (id === project.id) controller.rename(title);
    else void builder.repository.rename(id, title).then(projects.refresh, (err: Error) => store.dispatch({ type: "notice/set", notice: `Could not rename: ${err.message}` }));
  };

  const deleteProject = async (target: { id: string; title: string }) => {
    if (target.id === project.id) {
      await builder.persistence.flush();
      await navigation.startNew();
    }
    await projects.remove(target);
  };

  const undoDelete = async () => {
    const pending = projects.pendingDelete;
    if ((await projects.undo()) && pending && !hasContent(store.getState().project)) await navigation.open(pending.id);
  };

  return (
    <div className="flex min-h-dvh flex-col md:h-dvh md:min-h-0 md:overflow-hidden">
      <SkipLink targetId={CHAT_INPUT_ID}>Skip to chat input</SkipLink>
      <AppHeader
        projectTitle={project.title}
        model={{ providers, modelCount: models.length }}
        preferences={preferences}
        onNewProject={newProject}
        onToggleProjects={toggleSidebar}
        projectsOpen={sidebar.wide}
        actions={<ProjectActions project={project} beforeAction={builder.persistence.flush} shareMaxDays={shareMaxDays} />}
        account={<AccountMenu account={account} />}
      />
      <main className="flex flex-1 flex-col md:min-h-0 md:flex-row">
        {sidebar.wide || sidebar.narrow ? (
          <ProjectSidebar
            projects={projects.projects}
            error={projects.error}
            activeId={project.id}
            search={projects.search}
            onSearch={projects.setSearch}
            onOpen={(id) => void navigation.open(id)}
            onNew={() => void navigation.startNew()}
            onRename={renameProject}
            onDelete={(p) => void deleteProject(p)}
            className={cn(
              "max-h-64 border-b md:max-h-none md:w-60 md:flex-none md:border-r md:border-b-0",
              sidebar.wide ? "md:flex" : "md:hidden",
              !sidebar.narrow && "max-md:hidden",
            )}
          />
        ) : null}
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
      {projects.pendingDelete ? (
        <UndoDeleteToast title={projects.pendingDelete.title} until={projects.pendingDelete.until} onUndo={() => void undoDelete()} onDismiss={projects.dismissDelete} />
      ) : null}
    </div>
  );
}
