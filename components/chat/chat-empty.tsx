"use client";

import * as React from "react";
import { LayoutGrid, Sparkles } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { EXAMPLE_PROMPTS } from "./example-prompts";
import { ExamplesGallery, type ExampleCardInfo } from "./examples-gallery";
import { NoModelGuide } from "./no-model-guide";

interface ChatEmptyStateProps {
  modelConfigured: boolean;
  examples: readonly ExampleCardInfo[];
  onRunExample: (id: string) => void;
  onPickPrompt: (prompt: string) => void;
  busy: boolean;
}

/**
 * The empty chat. Without a model: how to configure one, and examples that run without one. With
 * a model: what to write, prompt ideas, and the same examples one click away.
 */
export function ChatEmptyState({ modelConfigured, examples, onRunExample, onPickPrompt, busy }: ChatEmptyStateProps) {
  const [showExamples, setShowExamples] = React.useState(false);
  return (
    <div data-testid="chat-empty" className="mx-auto flex w-full max-w-xl flex-col gap-5 px-4 py-8 sm:px-6 sm:py-10">
      {modelConfigured ? (
        <div className="flex flex-col gap-2">
          <span className="flex size-10 items-center justify-center rounded-xl bg-primary/10 text-primary">
            <Sparkles aria-hidden className="size-5" />
          </span>
          <h2 className="text-lg font-semibold tracking-tight">What do you want to build?</h2>
          <p className="text-sm leading-relaxed text-muted-foreground">
            Describe an app in plain words: what it does, who uses it, what it should look like. Tessera writes the files, runs them in a
            sandbox and shows you a live preview you can keep refining from here.
          </p>
        </div>
      ) : (
        <>
          <NoModelGuide />
          <ExamplesGallery examples={examples} onRun={onRunExample} disabled={busy} />
        </>
      )}
      <div className="flex flex-col gap-2">
        <h3 className="text-xs font-medium tracking-wide text-muted-foreground uppercase">
          {modelConfigured ? "Start from an idea" : "Ideas to try once a model is connected"}
        </h3>
        <ul className="grid gap-2 sm:grid-cols-2">
          {EXAMPLE_PROMPTS.map((example) => (
            <li key={example.title} className="flex">
              <button
                type="button"
                data-testid="example-prompt"
                onClick={() => onPickPrompt(example.prompt)}
                className={cn(
                  "flex w-full flex-col items-start gap-1 rounded-lg border bg-card px-3 py-2.5 text-left transition-colors",
                  "hover:border-primary/40 hover:bg-accent",
                  "outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background",
                )}
              >
                <span className="text-sm font-medium">{example.title}</span>
                <span className="line-clamp-2 text-xs leading-snug text-muted-foreground">{example.prompt}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      {modelConfigured && examples.length > 0 ? (
        showExamples ? (
          <ExamplesGallery examples={examples} onRun={onRunExample} onUsePrompt={onPickPrompt} onClose={() => setShowExamples(false)} disabled={busy} />
        ) : (
          <Button variant="outline" size="sm" data-testid="open-examples" aria-expanded={false} onClick={() => setShowExamples(true)} className="w-fit gap-1.5">
            <LayoutGrid aria-hidden className="size-3.5" />
            Or run a ready-made example (no model call)
          </Button>
        )
      ) : null}
    </div>
  );
}
