"use client";

import { useEffect, useRef, useState } from "react";
import { Check, Copy, ExternalLink, Globe, RotateCw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export interface PreviewToolbarProps {
  /** The running preview's absolute address; null while there is none. */
  url: string | null;
  /** What the address bar says when there is no URL ("No preview running", "Starting…"). */
  placeholder: string;
  /** Why the actions are disabled, for their tooltips. */
  disabledReason: string;
  onRefresh: () => void;
}

type CopyState = "idle" | "copied" | "failed";

export function PreviewToolbar({ url, placeholder, disabledReason, onRefresh }: PreviewToolbarProps) {
  const [copy, setCopy] = useState<CopyState>("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copyUrl = async () => {
    if (!url) return;
    let next: CopyState = "copied";
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard permission (an insecure origin, a denied prompt): say so rather than pretend.
      next = "failed";
    }
    setCopy(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopy("idle"), 2000);
  };

  const off = (action: string) => `${action}: ${disabledReason}`;

  return (
    <div role="toolbar" aria-label="Preview" className="flex h-11 shrink-0 items-center gap-1.5 border-b px-2">
      <Button
        variant="ghost"
        size="icon-sm"
        data-testid="preview-refresh"
        disabled={!url}
        aria-label="Refresh preview"
        title={url ? "Reload the preview" : off("Refresh preview")}
        onClick={onRefresh}
      >
        <RotateCw aria-hidden />
      </Button>
      <div
        data-testid="preview-url"
        title={url ?? undefined}
        className={cn(
          "flex h-7 min-w-0 flex-1 items-center gap-1.5 rounded-md border bg-muted px-2.5 font-mono text-xs",
          url ? "text-foreground" : "text-muted-foreground",
        )}
      >
        {url && <Globe aria-hidden className="size-3 shrink-0 text-muted-foreground" />}
        <span className={cn("truncate", url && "select-all")}>{url ?? placeholder}</span>
      </div>
      {url ? (
        <Button asChild variant="ghost" size="icon-sm">
          <a
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="preview-open"
            aria-label="Open preview in a new tab"
            title="Open the preview in a new tab"
          >
            <ExternalLink aria-hidden />
          </a>
        </Button>
      ) : (
        <Button variant="ghost" size="icon-sm" data-testid="preview-open" disabled aria-label="Open preview in a new tab" title={off("Open in a new tab")}>
          <ExternalLink aria-hidden />
        </Button>
      )}
      <Button
        variant="ghost"
        size={copy === "idle" ? "icon-sm" : "sm"}
        data-testid="preview-copy-url"
        disabled={!url}
        aria-label="Copy preview URL"
        title={url ? "Copy the preview's address" : off("Copy URL")}
        onClick={copyUrl}
      >
        {copy === "copied" ? <Check aria-hidden /> : <Copy aria-hidden />}
        {copy === "copied" && "Copied"}
        {copy === "failed" && "Copy failed"}
      </Button>
      <span className="sr-only" aria-live="polite">
        {copy === "copied" ? "Preview URL copied" : copy === "failed" ? "Could not copy the preview URL" : ""}
      </span>
    </div>
  );
}
