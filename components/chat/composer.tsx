"use client";

import * as React from "react";
import { ArrowUp } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/utils";
import { isSendable, MAX_MESSAGE_CHARS } from "./chat-state";

export const CHAT_INPUT_ID = "chat-input";

// Fixed locale: the counter is rendered on the server and the client and must match.
const formatCount = (n: number) => n.toLocaleString("en-US");

interface ComposerProps {
  draft: string;
  onDraftChange: (draft: string) => void;
  onSend: () => void;
  modelConfigured: boolean;
  textareaRef?: React.Ref<HTMLTextAreaElement>;
  className?: string;
}

export function Composer({ draft, onDraftChange, onSend, modelConfigured, textareaRef, className }: ComposerProps) {
  const hintId = React.useId();
  const countId = React.useId();
  const canSend = modelConfigured && isSendable(draft);
  const length = draft.length;
  const atLimit = length >= MAX_MESSAGE_CHARS;
  const nearLimit = length >= MAX_MESSAGE_CHARS * 0.9;

  function submit(event?: React.FormEvent) {
    event?.preventDefault();
    if (canSend) onSend();
  }

  return (
    <form onSubmit={submit} className={cn("flex flex-col gap-2", className)}>
      <div
        className={cn(
          "rounded-xl border border-input bg-background shadow-xs transition-[color,box-shadow]",
          "focus-within:border-ring focus-within:ring-2 focus-within:ring-ring/40",
        )}
      >
        <Textarea
          ref={textareaRef}
          id={CHAT_INPUT_ID}
          data-testid="chat-input"
          aria-label="Describe the app you want"
          aria-describedby={`${hintId} ${countId}`}
          placeholder="Describe the app you want to build…"
          rows={3}
          maxLength={MAX_MESSAGE_CHARS}
          value={draft}
          onChange={(event) => onDraftChange(event.target.value)}
          onKeyDown={(event) => {
            // Enter sends, Shift+Enter is a newline; never interrupt an IME composition.
            if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
            event.preventDefault();
            submit();
          }}
          className="max-h-72 min-h-20 resize-none border-0 bg-transparent px-3.5 pt-3 shadow-none focus-visible:ring-0 [field-sizing:content]"
        />
        <div className="flex items-center justify-between gap-3 px-3 pb-2.5">
          <span
            id={countId}
            className={cn("text-xs tabular-nums text-muted-foreground", nearLimit && "text-warning", atLimit && "font-medium text-destructive")}
          >
            <span className="sr-only">Characters used: </span>
            {formatCount(length)} / {formatCount(MAX_MESSAGE_CHARS)}
            {atLimit ? <span> · limit reached</span> : null}
          </span>
          <Button type="submit" size="sm" data-testid="send-button" disabled={!canSend} className="gap-1.5">
            Send
            <ArrowUp aria-hidden />
          </Button>
        </div>
      </div>
      <p id={hintId} data-testid="composer-hint" className="px-1 text-xs leading-relaxed text-muted-foreground">
        {modelConfigured ? (
          <>
            <kbd className="font-sans font-medium text-foreground">Enter</kbd> sends,{" "}
            <kbd className="font-sans font-medium text-foreground">Shift+Enter</kbd> adds a new line.
          </>
        ) : (
          <>
            Sending needs a model: set <code className="font-mono text-foreground">OPENAI_API_KEY</code> (or another provider key) or{" "}
            <code className="font-mono text-foreground">OLLAMA_BASE_URL</code> for a local model, then restart Tessera. See the README.
          </>
        )}
      </p>
    </form>
  );
}
