"use client";

import * as React from "react";
import { Sparkles } from "lucide-react";
import { cn } from "@/lib/utils";
import type { ChatMessage } from "./chat-state";
import { EXAMPLE_PROMPTS } from "./example-prompts";

interface MessageListProps {
  messages: ChatMessage[];
  onPickExample: (prompt: string) => void;
  className?: string;
}

export function MessageList({ messages, onPickExample, className }: MessageListProps) {
  const logRef = React.useRef<HTMLDivElement>(null);
  // Keep the newest message in view. Only the log scrolls, never the page around it.
  React.useEffect(() => {
    const log = logRef.current;
    if (log && messages.length > 0) log.scrollTop = log.scrollHeight;
  }, [messages.length]);

  return (
    <div ref={logRef} role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation" className={cn("min-h-0 overflow-y-auto", className)}>
      {messages.length === 0 ? (
        <ChatEmptyState onPickExample={onPickExample} />
      ) : (
        <ol className="flex flex-col gap-4 p-4">
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ol>
      )}
    </div>
  );
}

function MessageItem({ message }: { message: ChatMessage }) {
  const mine = message.role === "user";
  return (
    <li className={cn("flex flex-col gap-1", mine ? "items-end" : "items-start")} data-role={message.role}>
      <span className="text-xs font-medium text-muted-foreground">{mine ? "You" : "Tessera"}</span>
      <div
        className={cn(
          "max-w-[85%] rounded-xl px-3.5 py-2.5 text-sm leading-relaxed break-words whitespace-pre-wrap",
          mine ? "bg-primary text-primary-foreground" : "border bg-card text-card-foreground",
        )}
      >
        {message.content}
      </div>
    </li>
  );
}

function ChatEmptyState({ onPickExample }: { onPickExample: (prompt: string) => void }) {
  return (
    <div data-testid="chat-empty" className="mx-auto flex w-full max-w-xl flex-col gap-5 px-4 py-8 sm:px-6 sm:py-10">
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
      <div className="flex flex-col gap-2">
        <h3 className="text-xs font-medium tracking-wide text-muted-foreground uppercase">Start from an example</h3>
        <ul className="grid gap-2 sm:grid-cols-2">
          {EXAMPLE_PROMPTS.map((example) => (
            <li key={example.title} className="flex">
              <button
                type="button"
                data-testid="example-prompt"
                onClick={() => onPickExample(example.prompt)}
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
    </div>
  );
}
