"use client";

// First: it must run before lib/fragment/protocol builds its schemas (see the module).
import { useEffect, useRef, useState } from "react";
import { Bug, Loader2, Wand2, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { previewErrorMessageSchema, type PreviewErrorMessage } from "@/lib/fragment/protocol";

export interface PreviewFrameProps {
  url: string;
  onRuntimeError?: (error: PreviewErrorMessage) => void;
  onFix?: (runtimeError?: PreviewErrorMessage) => void;
  fixLabel: string;
}

/**
 * The running app, framed. The sandbox attribute never includes allow-same-origin: a preview on
 * this origin (/preview/<token>/) would otherwise run as the app itself, with its cookies and API.
 * Scripts, forms, alerts and links that open tabs are what generated apps need.
 */
export function PreviewFrame({ url, onRuntimeError, onFix, fixLabel }: PreviewFrameProps) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [loading, setLoading] = useState(true);
  const [runtimeError, setRuntimeError] = useState<PreviewErrorMessage | null>(null);
  const onRuntimeErrorRef = useRef(onRuntimeError);
  useEffect(() => {
    onRuntimeErrorRef.current = onRuntimeError;
  }, [onRuntimeError]);

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      // Only our own frame's window, and only the one message shape: any page can postMessage us.
      const frameWindow = frameRef.current?.contentWindow;
      if (!frameWindow || event.source !== frameWindow) return;
      const parsed = previewErrorMessageSchema.safeParse(event.data);
      if (!parsed.success) return;
      setRuntimeError(parsed.data);
      onRuntimeErrorRef.current?.(parsed.data);
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      {runtimeError && <RuntimeErrorBar error={runtimeError} onDismiss={() => setRuntimeError(null)} onFix={onFix} fixLabel={fixLabel} />}
      <div className="relative min-h-48 flex-1 bg-white">
        <iframe
          ref={frameRef}
          src={url}
          title="App preview"
          data-testid="preview-frame"
          sandbox="allow-scripts allow-forms allow-modals allow-popups"
          referrerPolicy="no-referrer"
          onLoad={() => setLoading(false)}
          className="absolute inset-0 size-full border-0"
        />
        {loading && (
          <div
            role="status"
            className="pointer-events-none absolute inset-x-0 top-0 flex items-center gap-2 bg-background/90 px-3 py-1.5 text-xs text-muted-foreground"
          >
            <Loader2 aria-hidden className="size-3.5 animate-spin" />
            Loading the preview…
          </div>
        )}
      </div>
    </div>
  );
}

function RuntimeErrorBar({
  error,
  onDismiss,
  onFix,
  fixLabel,
}: {
  error: PreviewErrorMessage;
  onDismiss: () => void;
  onFix?: (runtimeError?: PreviewErrorMessage) => void;
  fixLabel: string;
}) {
  const where = error.filename ? `${error.filename}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ""}` : ""}` : null;
  return (
    <div role="alert" data-testid="preview-runtime-error" className="flex shrink-0 items-start gap-2.5 border-b border-destructive/30 bg-destructive/5 px-3 py-2">
      <Bug aria-hidden className="mt-0.5 size-4 shrink-0 text-destructive" />
      <div className="min-w-0 flex-1 text-xs">
        <p className="font-medium text-destructive">The app hit an error while running</p>
        <p className="mt-0.5 font-mono break-words">{error.message}</p>
        {where && <p className="mt-0.5 truncate font-mono text-muted-foreground">{where}</p>}
        {error.stack && (
          <details className="mt-1">
            <summary className="cursor-pointer text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring">
              Stack trace
            </summary>
            <pre className="mt-1 max-h-40 overflow-auto rounded border bg-surface p-2 font-mono text-[11px] whitespace-pre-wrap">{error.stack}</pre>
          </details>
        )}
      </div>
      {onFix && (
        <Button size="sm" data-testid="fix-button" className="h-7 shrink-0" onClick={() => onFix(error)}>
          <Wand2 aria-hidden />
          {fixLabel}
        </Button>
      )}
      <Button variant="ghost" size="icon-sm" className="size-7 shrink-0" aria-label="Dismiss the error" title="Dismiss" onClick={onDismiss}>
        <X aria-hidden />
      </Button>
    </div>
  );
}
