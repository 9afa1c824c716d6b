import { AppWindow, Copy, ExternalLink, RotateCw } from "lucide-react";
import { Button } from "@/components/ui/button";

const NOTHING_YET = "available once a preview is running";

export function PreviewView() {
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div role="toolbar" aria-label="Preview" className="flex h-11 shrink-0 items-center gap-1.5 border-b px-2">
        <Button variant="ghost" size="icon-sm" disabled aria-label="Refresh preview" title={`Refresh preview: ${NOTHING_YET}`}>
          <RotateCw aria-hidden />
        </Button>
        <div
          data-testid="preview-url"
          className="flex h-7 min-w-0 flex-1 items-center truncate rounded-md border bg-muted px-2.5 font-mono text-xs text-muted-foreground"
        >
          No preview running
        </div>
        <Button variant="ghost" size="icon-sm" disabled aria-label="Open preview in a new tab" title={`Open in a new tab: ${NOTHING_YET}`}>
          <ExternalLink aria-hidden />
        </Button>
        <Button variant="ghost" size="icon-sm" disabled aria-label="Copy preview URL" title={`Copy URL: ${NOTHING_YET}`}>
          <Copy aria-hidden />
        </Button>
      </div>
      <div className="flex flex-1 items-center justify-center bg-surface p-6">
        <div data-testid="preview-empty" className="flex max-w-sm flex-col items-center gap-3 text-center">
          <span className="flex size-10 items-center justify-center rounded-xl bg-muted text-muted-foreground">
            <AppWindow aria-hidden className="size-5" />
          </span>
          <p className="text-sm font-medium">Nothing to preview yet</p>
          <p className="text-xs leading-relaxed text-muted-foreground">
            Once your app has files, Tessera runs it in an isolated sandbox and shows it here, live, updating as the files change. Describe
            your app in the chat to start.
          </p>
        </div>
      </div>
    </div>
  );
}
