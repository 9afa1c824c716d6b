"use client";

import * as React from "react";
import { MessageSquare } from "lucide-react";
import { useHydrated } from "@/components/use-hydrated";
import { cn } from "@/lib/utils";
import { useChatState, type ChatMessage } from "./chat-state";
import { Composer } from "./composer";
import { MessageList } from "./message-list";

interface ChatPanelProps {
  modelConfigured: boolean;
  /** Called with the user's message once it is appended; the model round trip hangs off this. */
  onSend?: (message: ChatMessage) => void;
  className?: string;
}

export function ChatPanel({ modelConfigured, onSend, className }: ChatPanelProps) {
  const { state, setDraft, submitDraft } = useChatState();
  const inputRef = React.useRef<HTMLTextAreaElement>(null);
  // Marks the panel interactive (its handlers attached); end-to-end tests wait for it.
  const hydrated = useHydrated();

  const pickExample = React.useCallback(
    (prompt: string) => {
      setDraft(prompt);
      const input = inputRef.current;
      if (input) {
        input.focus();
        // Caret at the end, ready to add detail.
        requestAnimationFrame(() => input.setSelectionRange(input.value.length, input.value.length));
      }
    },
    [setDraft],
  );

  return (
    <section aria-label="Chat" data-testid="chat-panel" data-hydrated={hydrated ? "true" : "false"} className={cn("flex min-h-0 flex-col bg-background", className)}>
      <div className="flex h-11 shrink-0 items-center gap-2 border-b px-4 text-sm font-medium">
        <MessageSquare aria-hidden className="size-4 text-muted-foreground" />
        Chat
      </div>
      <MessageList messages={state.messages} onPickExample={pickExample} className="flex-1" />
      <div className="shrink-0 border-t bg-surface p-3 sm:p-4">
        <Composer
          draft={state.draft}
          onDraftChange={setDraft}
          onSend={() => {
            const message = submitDraft();
            if (message) onSend?.(message);
          }}
          modelConfigured={modelConfigured}
          textareaRef={inputRef}
        />
      </div>
    </section>
  );
}
