"use client";

import * as React from "react";
import type { BuilderMessage } from "@/components/builder/types";
import { cn } from "@/lib/utils";
import { AssistantMessage, StreamingMessage, UserMessage, type StreamingInfo, type VersionChipInfo } from "./message-item";

export interface MessageListProps {
  messages: BuilderMessage[];
  streaming: StreamingInfo | null;
  versionInfo: (n: number | undefined) => VersionChipInfo | null;
  currentVersion: number;
  onSelectVersion: (n: number) => void;
  /** The failed turn that may be retried (the last message), if any. */
  retryId?: string;
  onRetry: (id: string) => void;
  /** Shown when there is nothing yet. */
  empty: React.ReactNode;
  className?: string;
}

export function MessageList({ messages, streaming, versionInfo, currentVersion, onSelectVersion, retryId, onRetry, empty, className }: MessageListProps) {
  const logRef = React.useRef<HTMLDivElement>(null);
  const streamKey = streaming ? `${streaming.path ?? ""}:${streaming.files}:${streaming.commentary?.length ?? 0}` : "";
  // Keep the newest message in view. Only the log scrolls, never the page around it.
  React.useEffect(() => {
    const log = logRef.current;
    if (log && (messages.length > 0 || streamKey)) log.scrollTop = log.scrollHeight;
  }, [messages.length, streamKey]);

  const nothing = messages.length === 0 && !streaming;
  return (
    <div ref={logRef} role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation" className={cn("min-h-0 overflow-y-auto", className)}>
      {nothing ? (
        empty
      ) : (
        <ol className="flex flex-col gap-4 p-4">
          {messages.map((message) =>
            message.role === "user" ? (
              <UserMessage key={message.id} message={message} />
            ) : (
              <AssistantMessage
                key={message.id}
                message={message}
                version={versionInfo(message.version)}
                currentVersion={currentVersion}
                onSelectVersion={onSelectVersion}
                onRetry={message.id === retryId ? () => onRetry(message.id) : undefined}
              />
            ),
          )}
          {streaming ? <StreamingMessage info={streaming} /> : null}
        </ol>
      )}
    </div>
  );
}
