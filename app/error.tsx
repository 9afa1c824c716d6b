"use client";

import * as React from "react";
import Link from "next/link";
import { RotateCw, TriangleAlert } from "lucide-react";
import { Button, buttonVariants } from "@/components/ui/button";

function digestOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("digest" in error)) return undefined;
  const digest = (error as { digest?: unknown }).digest;
  return typeof digest === "string" && digest !== "" ? digest : undefined;
}

/**
 * The builder's error boundary. The message never shows error details (in production a server
 * error reaches the client without them anyway); the digest matches the entry in the server logs.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = digestOf(error);
  const headingRef = React.useRef<HTMLHeadingElement>(null);

  React.useEffect(() => {
    console.error(error);
    headingRef.current?.focus();
  }, [error]);

  return (
    <main data-testid="error-page" className="flex min-h-dvh flex-col items-center justify-center gap-6 px-6 py-16 text-center">
      <span className="flex size-12 items-center justify-center rounded-2xl bg-destructive/10 text-destructive">
        <TriangleAlert aria-hidden className="size-6" />
      </span>
      <div className="flex max-w-md flex-col gap-2">
        <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          Something went wrong
        </h1>
        <p className="text-sm leading-relaxed text-muted-foreground">
          This part of Tessera failed to load. Trying again usually fixes a passing problem; if it doesn&apos;t, reload the page.
        </p>
        {digest ? (
          <p className="text-xs text-muted-foreground" data-testid="error-digest">
            If it keeps happening, include this reference when you report it: <code className="font-mono text-foreground select-all">{digest}</code>
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center justify-center gap-2">
        <Button onClick={() => retry()} data-testid="error-retry">
          <RotateCw aria-hidden />
          Try again
        </Button>
        <Link href="/" className={buttonVariants({ variant: "outline" })}>
          Back to the builder
        </Link>
      </div>
    </main>
  );
}
