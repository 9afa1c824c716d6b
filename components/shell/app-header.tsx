import { SquarePen } from "lucide-react";
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
}

export function AppHeader({ projectTitle, model, preferences, onNewProject }: AppHeaderProps) {
  return (
    <header data-testid="app-header" className="flex h-14 shrink-0 items-center gap-3 border-b bg-background px-3 sm:px-4">
      <div className="flex min-w-0 items-center gap-2.5">
        <TesseraMark />
        <span className="text-sm font-semibold tracking-tight">Tessera</span>
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
      <div className="ml-auto flex min-w-0 items-center gap-2 sm:gap-3">
        <ModelStatus model={model} />
        <ThemeToggle preferences={preferences} />
      </div>
    </header>
  );
}
