"use client";

import type { ReactNode } from "react";
import { CircleAlert, FileCode, LoaderCircle, RotateCcw, Wrench } from "lucide-react";
import type { BuilderMessage } from "@/components/builder/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { attachmentSrc } from "./attachments";
import { ChatMarkdown } from "./markdown";

export interface VersionChipInfo {
  n: number;
  changed: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function versionChipLabel({ n, changed }: VersionChipInfo): string {
  return `v${n} · ${changed === 0 ? "no files changed" : `${plural(changed, "file")} changed`}`;
}

function VersionChip({ info, current, onSelect }: { info: VersionChipInfo; current: boolean; onSelect: (n: number) => void }) {
  return (
    <button
      type="button"
      data-testid="version-chip"
      data-version={info.n}
      aria-pressed={current}
      title={current ? "This version is open" : `Open version ${info.n}`}
      onClick={() => onSelect(info.n)}
      className={cn(
        "inline-flex w-fit items-center gap-1.5 rounded-full border px-2.5 py-0.5 text-xs font-medium transition-colors outline-none",
        "hover:border-primary/40 hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring",
        current ? "border-primary/40 bg-primary/10 text-primary" : "text-muted-foreground",
      )}
    >
      <FileCode aria-hidden className="size-3.5" />
      {versionChipLabel(info)}
    </button>
  );
}

function Author({ children }: { children: ReactNode }) {
  return <span className="text-xs font-medium text-muted-foreground">{children}</span>;
}

export function UserMessage({ message }: { message: BuilderMessage }) {
  const images = message.images ?? [];
  return (
    <li className="flex flex-col items-end gap-1" data-role="user" data-testid="message-user" data-fix={message.fixOf ? (message.autoFix ? "auto" : "manual") : undefined}>
      <Author>{message.fixOf ? (message.autoFix ? "Auto-fix" : "You · fix request") : "You"}</Author>
      {images.length > 0 ? (
        <ul aria-label="Attached images" className="flex max-w-[85%] flex-wrap justify-end gap-1.5">
          {images.map((image, i) => (
            <li key={i}>
              {image.data ? (
                // eslint-disable-next-line @next/next/no-img-element -- a data: URL held in the project; next/image adds nothing here.
                <img src={attachmentSrc(image)} alt={image.name ?? `Image ${i + 1}`} data-testid="message-image" className="size-20 rounded-lg border object-cover" />
              ) : (
                <span
                  title="This image was too big to keep in the browser's storage"
                  className="flex size-20 items-center justify-center rounded-lg border bg-muted p-1 text-center text-[10px] leading-tight text-muted-foreground"
                >
                  {image.name ?? "Image"} (not stored)
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {message.fixOf ? (
        <details className="max-w-[85%] rounded-xl border bg-card px-3.5 py-2.5 text-sm text-card-foreground">
          <summary className="flex cursor-pointer items-center gap-1.5 font-medium outline-none focus-visible:ring-2 focus-visible:ring-ring">
            <Wrench aria-hidden className="size-3.5 text-muted-foreground" />
            {message.content.split("\n").find((l) => l.startsWith("Error:"))?.slice(0, 160) ?? "Fix the error"}
          </summary>
          <ChatMarkdown className="mt-2">{message.content}</ChatMarkdown>
        </details>
      ) : message.content ? (
        <div className="max-w-[85%] rounded-xl bg-primary px-3.5 py-2.5 text-sm leading-relaxed break-words whitespace-pre-wrap text-primary-foreground">
          {message.content}
        </div>
      ) : null}
    </li>
  );
}

interface AssistantMessageProps {
  message: BuilderMessage;
  version: VersionChipInfo | null;
  currentVersion: number;
  onSelectVersion: (n: number) => void;
  /** Set on the last failed turn: the request can be sent again. */
  onRetry?: () => void;
}

export function AssistantMessage({ message, version, currentVersion, onSelectVersion, onRetry }: AssistantMessageProps) {
  const error = message.error;
  const stopped = error?.code === "stopped";
  return (
    <li className="flex flex-col items-start gap-1" data-role="assistant" data-testid="message-assistant">
      <Author>
        Tessera{message.model ? <span className="font-normal"> · {message.model}</span> : null}
      </Author>
      {error ? (
        <div
          role={stopped ? "status" : "alert"}
          data-testid={stopped ? "chat-stopped" : "chat-error"}
          data-error-code={error.code}
          className={cn(
            "flex max-w-[85%] flex-col gap-2 rounded-xl border px-3.5 py-2.5 text-sm",
            stopped ? "bg-card text-muted-foreground" : "border-destructive/30 bg-destructive/5 text-card-foreground",
          )}
        >
          <p className="flex items-start gap-2">
            {stopped ? null : <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-destructive" />}
            <span>
              {error.message}
              {error.requestId ? <span className="block text-xs text-muted-foreground">Request {error.requestId}</span> : null}
            </span>
          </p>
          {onRetry ? (
            <Button size="sm" variant="outline" data-testid="chat-retry" onClick={onRetry} className="w-fit gap-1.5">
              <RotateCcw aria-hidden />
              Retry
            </Button>
          ) : null}
        </div>
      ) : (
        <div className="flex max-w-[85%] flex-col gap-2 rounded-xl border bg-card px-3.5 py-2.5 text-card-foreground">
          <ChatMarkdown>{message.content}</ChatMarkdown>
          {version ? <VersionChip info={version} current={version.n === currentVersion} onSelect={onSelectVersion} /> : null}
        </div>
      )}
    </li>
  );
}

export interface StreamingInfo {
  model?: string;
  commentary?: string;
  /** The file being written now. */
  path?: string;
  files: number;
}

export function StreamingMessage({ info }: { info: StreamingInfo }) {
  return (
    <li className="flex flex-col items-start gap-1" data-role="assistant" data-testid="message-streaming" aria-busy="true">
      <Author>
        Tessera{info.model ? <span className="font-normal"> · {info.model}</span> : null}
      </Author>
      <div className="flex max-w-[85%] flex-col gap-2 rounded-xl border bg-card px-3.5 py-2.5 text-card-foreground">
        {info.commentary ? <ChatMarkdown>{info.commentary}</ChatMarkdown> : null}
        <p className="flex items-center gap-2 text-xs text-muted-foreground" data-testid="streaming-status">
          <LoaderCircle aria-hidden className="size-3.5 animate-spin" />
          {info.path ? (
            <span className="min-w-0 truncate">
              Writing <code className="font-mono text-foreground" data-testid="streaming-path">{info.path}</code>
              {info.files > 1 ? ` · ${plural(info.files, "file")} so far` : null}
            </span>
          ) : (
            <span>Thinking…</span>
          )}
        </p>
      </div>
    </li>
  );
}
