import { PanelLeft, SquarePen } from "lucide-react";
import type * as React from "react";
import type { Preferences } from "@/lib/preferences";
import { Button } from "@/components/ui/button";
import { ModelStatus, type ModelInfo } from "./model-status";
import { TesseraMark } from "./logo";
import { ThemeToggle } from "./theme-toggle";

interface AppHeaderProps {
  projectTitle: string;
  model: ModelInfo;
  preferences: Preferences;
  /** Starts an empty project; absent where there is no project to replace. */
  onNewProject?: () => void;
  /** Shows or hides the projects list. */
  onToggleProjects?: () => void;
  projectsOpen?: boolean;
  /** Share and export for the open project. */
  actions?: React.ReactNode;
  /** The signed-in account's menu. */
  account?: React.ReactNode;
}

export function AppHeader({ projectTitle, model, preferences, onNewProject, onToggleProjects, projectsOpen, actions, account }: AppHeaderProps) {
  return (
    <header data-testid="app-header" className="flex h-14 shrink-0 items-center gap-3 border-b bg-background px-3 sm:px-4">
      <div className="flex min-w-0 flex-1 items-center gap-1.5 sm:gap-2.5">
        {onToggleProjects ? (
          <Button
            variant="ghost"
            size="icon-sm"
            data-testid="toggle-projects"
            aria-label={projectsOpen ? "Hide projects" : "Show projects"}
            aria-pressed={projectsOpen}
            title={projectsOpen ? "Hide projects" : "Show projects"}
            onClick={onToggleProjects}
          >
            <PanelLeft aria-hidden />
          </Button>
        ) : null}
        <TesseraMark />
        <span className="text-sm font-semibold tracking-tight max-sm:sr-only">Tessera</span>
        <span aria-hidden="true" className="hidden text-muted-foreground/60 sm:inline">
          /
        </span>
        <h1 className="truncate text-sm font-medium" data-testid="project-title">
          {projectTitle}
        </h1>
        {onNewProject ? (
          <Button
            variant="ghost"
            size="sm"
            data-testid="new-project"
            aria-label="New project"
            title="Start a new project"
            onClick={onNewProject}
            className="shrink-0 gap-1.5 text-muted-foreground hover:text-foreground"
          >
            <SquarePen aria-hidden />
            <span className="hidden lg:inline">New project</span>
          </Button>
        ) : null}
      </div>
      <div className="flex shrink-0 items-center gap-1 sm:gap-3">
        {actions}
        <ModelStatus model={model} className="max-sm:hidden" />
        <ThemeToggle preferences={preferences} />
        {account}
      </div>
    </header>
  );
}
