import type { Metadata } from "next";
import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { TesseraMark } from "@/components/shell/logo";
import { buttonVariants } from "@/components/ui/button";

export const metadata: Metadata = {
  title: "Page not found · Tessera",
};

export default function NotFound() {
  return (
    <main data-testid="not-found" className="flex min-h-dvh flex-col items-center justify-center gap-6 px-6 py-16 text-center">
      <TesseraMark className="size-10" />
      <div className="flex max-w-md flex-col gap-2">
        <p className="font-mono text-sm font-medium text-primary">404</p>
        <h1 className="text-2xl font-semibold tracking-tight">This page doesn&apos;t exist</h1>
        <p className="text-sm leading-relaxed text-muted-foreground">
          The address may be mistyped, or the page has moved. Everything Tessera does starts from the builder.
        </p>
      </div>
      <Link href="/" className={buttonVariants({ variant: "default" })} data-testid="not-found-home">
        <ArrowLeft aria-hidden />
        Back to the builder
      </Link>
    </main>
  );
}
