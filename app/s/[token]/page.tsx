import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { ShareView } from "@/components/share/share-view";
import { env } from "@/lib/env";
import { clientIpFrom } from "@/lib/http/forwarded";
import { lookupShare } from "@/lib/projects/shares";

export const metadata: Metadata = { title: "Shared app · Tessera", robots: { index: false, follow: false } };

/** A shared version, for anyone holding the link: read-only files and a Run button. */
export default async function SharePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const requestHeaders = await headers();
  const found = await lookupShare(token, clientIpFrom(requestHeaders.get("x-forwarded-for"), env().TRUST_PROXY));
  if (found.status === "rate_limited") {
    return (
      <main className="flex min-h-dvh items-center justify-center p-6">
        <p role="alert" data-testid="share-rate-limited" className="max-w-md text-center text-sm">
          Too many wrong share links were tried from your address. Try again in {found.retryAfterSeconds} s.
        </p>
      </main>
    );
  }
  if (found.status === "not_found") notFound();
  const { share } = found;
  return (
    <ShareView
      nonce={requestHeaders.get("x-nonce") ?? undefined}
      shared={{
        token,
        projectTitle: share.projectTitle,
        versionTitle: share.version.title,
        n: share.version.n,
        template: share.version.template,
        files: share.version.files,
        expiresAt: share.expiresAt,
      }}
    />
  );
}
