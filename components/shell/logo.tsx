import * as React from "react";
import { cn } from "@/lib/utils";

/** The Tessera mark: four tiles, one lit. Same drawing as /favicon.svg, inline so it needs no request. */
export function TesseraMark({ className, ...props }: React.ComponentProps<"svg">) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false" className={cn("size-7 shrink-0", className)} {...props}>
      <rect width="32" height="32" rx="7" fill="#4f46e5" />
      <path d="M8 8h7v7H8zM17 8h7v7h-7zM8 17h7v7H8z" fill="#fff" />
      <path d="M17 17h7v7h-7z" fill="#a5b4fc" />
    </svg>
  );
}
