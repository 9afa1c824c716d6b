"use client";

import { Play, X } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export interface ExampleCardInfo {
  id: string;
  title: string;
  description: string;
  template: string;
  prompt: string;
}

interface ExamplesGalleryProps {
  examples: readonly ExampleCardInfo[];
  onRun: (id: string) => void;
  /** Fill the composer with the prompt that would build it (only when a model can be asked). */
  onUsePrompt?: (prompt: string) => void;
  onClose?: () => void;
  disabled?: boolean;
  className?: string;
}

/** Ready-made projects that run in the real sandbox without a model. */
export function ExamplesGallery({ examples, onRun, onUsePrompt, onClose, disabled, className }: ExamplesGalleryProps) {
  return (
    <section data-testid="examples-gallery" aria-labelledby="examples-gallery-title" className={cn("flex flex-col gap-2", className)}>
      <div className="flex items-center gap-2">
        <h3 id="examples-gallery-title" className="text-xs font-medium tracking-wide text-muted-foreground uppercase">
          Run a ready-made example
        </h3>
        {onClose ? (
          <Button variant="ghost" size="icon-sm" aria-label="Close the examples" data-testid="close-examples" onClick={onClose} className="ml-auto size-7">
            <X aria-hidden />
          </Button>
        ) : null}
      </div>
      {examples.length === 0 ? (
        <p className="text-sm text-muted-foreground">No examples are bundled with this build.</p>
      ) : (
        <ul className="grid gap-2 sm:grid-cols-2">
          {examples.map((example) => (
            <li key={example.id} data-testid="example-card" data-example-id={example.id} className="flex flex-col gap-2 rounded-lg border bg-card p-3">
              <div className="flex items-start gap-2">
                <span className="min-w-0 flex-1 text-sm font-medium">{example.title}</span>
                <Badge variant="muted">{example.template}</Badge>
              </div>
              <p className="line-clamp-3 text-xs leading-snug text-muted-foreground">{example.description}</p>
              <div className="mt-auto flex items-center gap-2">
                <Button
                  size="sm"
                  data-testid="example-run"
                  aria-label={`Run the ${example.title} example`}
                  disabled={disabled}
                  onClick={() => onRun(example.id)}
                  className="gap-1.5"
                >
                  <Play aria-hidden className="size-3.5" />
                  Run
                </Button>
                {onUsePrompt ? (
                  <Button size="sm" variant="ghost" data-testid="example-use-prompt" onClick={() => onUsePrompt(example.prompt)} className="text-xs">
                    Use its prompt
                  </Button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
