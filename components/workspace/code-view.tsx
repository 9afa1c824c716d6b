import { FileCode, FolderTree } from "lucide-react";
import { cn } from "@/lib/utils";

/*
 * Editor text size from the codeFontSize preference (10–24 px). Spelled out so Tailwind generates
 * every class; an inline style would break the CSP (no 'unsafe-inline' for styles).
 */
const CODE_FONT_SIZE_CLASS: Record<number, string> = {
  10: "text-[10px]",
  11: "text-[11px]",
  12: "text-[12px]",
  13: "text-[13px]",
  14: "text-[14px]",
  15: "text-[15px]",
  16: "text-[16px]",
  17: "text-[17px]",
  18: "text-[18px]",
  19: "text-[19px]",
  20: "text-[20px]",
  21: "text-[21px]",
  22: "text-[22px]",
  23: "text-[23px]",
  24: "text-[24px]",
};

export function codeFontSizeClass(size: number): string {
  return CODE_FONT_SIZE_CLASS[size] ?? "text-[13px]";
}

export function CodeView({ codeFontSize }: { codeFontSize: number }) {
  return (
    <div className="grid min-h-0 flex-1 grid-rows-[auto_1fr] sm:grid-cols-[clamp(9rem,28%,15rem)_1fr] sm:grid-rows-1">
      <nav aria-label="Project files" data-testid="file-tree" className="flex min-h-0 flex-col border-b bg-surface sm:border-r sm:border-b-0">
        <div className="flex h-9 shrink-0 items-center gap-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          <FolderTree aria-hidden className="size-3.5" />
          Files
        </div>
        <p className="px-3 pb-3 text-xs text-muted-foreground">0 files</p>
      </nav>
      <div data-testid="editor" className="flex min-h-0 min-w-0 flex-col">
        <div className="flex h-9 shrink-0 items-center border-b px-3 text-xs text-muted-foreground">No file open</div>
        <div className={cn("flex flex-1 items-center justify-center p-6 font-mono", codeFontSizeClass(codeFontSize))}>
          <div data-testid="code-empty" className="flex max-w-sm flex-col items-center gap-3 text-center font-sans">
            <span className="flex size-10 items-center justify-center rounded-xl bg-muted text-muted-foreground">
              <FileCode aria-hidden className="size-5" />
            </span>
            <p className="text-sm font-medium text-foreground">No files yet — the files of your app appear here as they are written</p>
            <p className="text-xs leading-relaxed text-muted-foreground">
              Describe your app in the chat to start. Each file shows up in the tree on the left the moment it is created, and opens here.
            </p>
          </div>
        </div>
      </div>
    </div>
  );
}
