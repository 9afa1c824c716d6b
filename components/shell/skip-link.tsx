"use client";

import * as React from "react";
import { cn } from "@/lib/utils";

/**
 * The first focusable element of the page. Without JavaScript it is a plain fragment link; with it,
 * focus moves to the target explicitly (browsers differ on whether a fragment link focuses a field).
 */
export function SkipLink({ targetId, children, className }: { targetId: string; children: React.ReactNode; className?: string }) {
  return (
    <a
      href={`#${targetId}`}
      data-testid="skip-link"
      onClick={(event) => {
        const target = document.getElementById(targetId);
        if (!target) return;
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: "nearest" });
      }}
      className={cn(
        "sr-only z-50 rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground shadow-lg",
        "focus:not-sr-only focus:fixed focus:top-2.5 focus:left-3 focus:px-4 focus:py-2 focus:outline-none",
        "focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background",
        className,
      )}
    >
      {children}
    </a>
  );
}
