"use client";

import * as React from "react";
import { LayoutGrid, MessageSquare, X } from "lucide-react";
import type { AutoFixStatus } from "@/components/builder/state/autofix";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/use-hydrated";
import { cn } from "@/lib/utils";
import { AutoFixToggle, RunIssueBar } from "./autofix-controls";
import { ChatEmptyState } from "./chat-empty";
import { useComposerState } from "./chat-state";
import { Composer, type ComposerProps } from "./composer";
import { ExamplesGallery, type ExampleCardInfo } from "./examples-gallery";
import type { StreamingInfo } from "./message-item";
import { MessageList, type MessageListProps } from "./message-list";

/** The panel passes the list's and the composer's own props straight through. */
export interface ChatPanelProps
  extends Pick<MessageListProps, "messages" | "versionInfo" | "currentVersion" | "onSelectVersion" | "retryId" | "onRetry">,
    Pick<ComposerProps, "onSend" | "onStop" | "models" | "model" | "onModelChange" | "templates" | "template" | "onTemplateChange"> {
  streaming: StreamingInfo | null;
  autoFix: boolean;
  onAutoFixChange: (enabled: boolean) => void;
  autoFixStatus: AutoFixStatus;
  failure: { message: string; label: string } | null;
  onFix: () => void;
  examples: readonly ExampleCardInfo[];
  onRunExample: (id: string) => void;
  notice: string | null;
  onDismissNotice: () => void;
  /** The saved project has been looked for; tests wait for it after a reload. */
  restored: boolean;
  className?: string;
}

export function ChatPanel(props: ChatPanelProps) {
  const { messages, streaming, models } = props;
  const { state: composer, dispatch, setDraft } = useComposerState();
  const inputRef = React.useRef<HTMLTextAreaElement>(null);
  const [showExamples, setShowExamples] = React.useState(false);
  // Marks the panel interactive (its handlers attached); end-to-end tests wait for it.
  const hydrated = useHydrated();
  const modelConfigured = models.length > 0;
  const busy = streaming !== null;

  const pickPrompt = React.useCallback(
    (prompt: string) => {
      setDraft(prompt);
      setShowExamples(false);
      const input = inputRef.current;
      if (input) {
        input.focus();
        // Caret at the end, ready to add detail.
        requestAnimationFrame(() => input.setSelectionRange(input.value.length, input.value.length));
      }
    },
    [setDraft],
  );

  const runExample = (id: string) => {
    setShowExamples(false);
    props.onRunExample(id);
  };

  return (
    <section
      aria-label="Chat"
      data-testid="chat-panel"
      data-hydrated={hydrated ? "true" : "false"}
      data-restored={props.restored ? "true" : "false"}
      className={cn("flex min-h-0 flex-col bg-background", props.className)}
    >
      <div className="flex h-11 shrink-0 items-center gap-2 border-b px-4 text-sm font-medium">
        <MessageSquare aria-hidden className="size-4 text-muted-foreground" />
        Chat
        <div className="ml-auto flex items-center gap-1">
          {messages.length > 0 ? (
            <Button
              variant="ghost"
              size="sm"
              data-testid="open-examples"
              aria-expanded={showExamples}
              onClick={() => setShowExamples((v) => !v)}
              className="h-7 gap-1.5 px-2 text-xs text-muted-foreground hover:text-foreground"
            >
              <LayoutGrid aria-hidden className="size-3.5" />
              Examples
            </Button>
          ) : null}
          {modelConfigured ? <AutoFixToggle enabled={props.autoFix} onChange={props.onAutoFixChange} /> : null}
        </div>
      </div>
      {props.notice ? (
        <div role="alert" data-testid="storage-notice" className="flex items-start gap-2 border-b border-warning/30 bg-warning/10 px-4 py-2 text-xs leading-relaxed">
          <p className="flex-1">{props.notice}</p>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={props.onDismissNotice}
            className="-m-1 rounded-sm p-1 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
          >
            <X aria-hidden className="size-3.5" />
          </button>
        </div>
      ) : null}
      {showExamples ? (
        <ExamplesGallery
          examples={props.examples}
          onRun={runExample}
          onUsePrompt={modelConfigured ? pickPrompt : undefined}
          onClose={() => setShowExamples(false)}
          disabled={busy}
          className="max-h-[50%] shrink-0 overflow-y-auto border-b p-4"
        />
      ) : null}
      <MessageList
        messages={messages}
        streaming={streaming}
        versionInfo={props.versionInfo}
        currentVersion={props.currentVersion}
        onSelectVersion={props.onSelectVersion}
        retryId={props.retryId}
        onRetry={props.onRetry}
        empty={<ChatEmptyState modelConfigured={modelConfigured} examples={props.examples} onRunExample={runExample} onPickPrompt={pickPrompt} busy={busy} />}
        className="flex-1"
      />
      {modelConfigured ? (
        <RunIssueBar status={props.autoFixStatus} failure={props.failure} onFix={props.onFix} busy={busy} />
      ) : null}
      <div className="shrink-0 border-t bg-surface p-3 sm:p-4">
        <Composer
          state={composer}
          dispatch={dispatch}
          onSend={props.onSend}
          onStop={props.onStop}
          streaming={busy}
          models={models}
          model={props.model}
          onModelChange={props.onModelChange}
          templates={props.templates}
          template={props.template}
          onTemplateChange={props.onTemplateChange}
          textareaRef={inputRef}
        />
      </div>
    </section>
  );
}
