"use client";

import * as React from "react";
import { Check, Copy, Download, Link2, Trash2 } from "lucide-react";
import type { ShareSummary } from "@/lib/projects/schema";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { createShare, exportUrl, listShares, revokeShare } from "./api";

export interface ProjectActionsProps {
  project: { id: string; title: string; currentVersion: number };
  /** Save the project now (a version must be on the server before it is shared or exported). */
  beforeAction: () => Promise<void>;
  /** Longest a share link may live on this server, in days. */
  shareMaxDays: number;
}

const DAY_CHOICES = [1, 7, 30, 90, 365];

/** Share (read-only links to the current version) and Export (a ZIP that runs outside Tessera). */
export function ProjectActions({ project, beforeAction, shareMaxDays }: ProjectActionsProps) {
  const [sharing, setSharing] = React.useState(false);
  const [exportError, setExportError] = React.useState<string | null>(null);
  const version = project.currentVersion;
  const disabled = version === 0;

  const exportZip = async () => {
    setExportError(null);
    try {
      await beforeAction();
      const response = await fetch(exportUrl(project.id, version), { credentials: "same-origin" });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `The server answered ${response.status}.`);
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "project.zip";
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : "The export failed.");
    }
  };

  return (
    <div className="flex items-center gap-1">
      <Button variant="ghost" size="sm" data-testid="share-open" disabled={disabled} title={disabled ? "Nothing to share yet" : "Share a read-only link"} onClick={() => setSharing(true)}>
        <Link2 aria-hidden />
        <span className="hidden md:inline">Share</span>
      </Button>
      <Button variant="ghost" size="sm" data-testid="export-zip" disabled={disabled} title={disabled ? "Nothing to export yet" : `Download v${version} as a ZIP with a README`} onClick={() => void exportZip()}>
        <Download aria-hidden />
        <span className="hidden md:inline">Export</span>
      </Button>
      {exportError ? (
        <span role="alert" data-testid="export-error" className="max-w-[16rem] truncate text-xs text-destructive" title={exportError}>
          {exportError}
        </span>
      ) : null}
      <ShareDialog open={sharing} onClose={() => setSharing(false)} project={project} beforeAction={beforeAction} shareMaxDays={shareMaxDays} />
    </div>
  );
}

function ShareDialog({ open, onClose, project, beforeAction, shareMaxDays }: ProjectActionsProps & { open: boolean; onClose: () => void }) {
  const [shares, setShares] = React.useState<ShareSummary[] | null>(null);
  const [created, setCreated] = React.useState<ShareSummary | null>(null);
  const [days, setDays] = React.useState(Math.min(7, shareMaxDays));
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const [copied, setCopied] = React.useState(false);

  React.useEffect(() => {
    if (!open) return;
    let cancelled = false;
    void listShares(project.id).then(
      (list) => !cancelled && setShares(list),
      (err: Error) => !cancelled && (setShares([]), setError(err.message)),
    );
    return () => {
      cancelled = true;
    };
  }, [open, project.id]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      await beforeAction();
      const share = await createShare(project.id, project.currentVersion, days);
      setCreated(share);
      setShares((list) => [share, ...(list ?? [])]);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The link could not be made.");
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    setError(null);
    try {
      await revokeShare(project.id, id);
      setShares((list) => list?.filter((s) => s.id !== id) ?? list);
      if (created?.id === id) setCreated(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The link could not be revoked.");
    }
  };

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setError("Copying was refused by the browser; select the link and copy it by hand.");
    }
  };

  return (
    <Dialog
      open={open}
      onClose={() => {
        // A made link is shown once: closing forgets it, as the server has.
        setCreated(null);
        setError(null);
        onClose();
      }}
      testId="share-dialog" title={`Share version ${project.currentVersion}`} description="Anyone with the link can read this version's files and run it. They cannot change anything.">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="share-days">Expires after</label>
        <select id="share-days" data-testid="share-days" value={days} onChange={(e) => setDays(Number(e.target.value))} className="h-8 rounded-md border bg-background px-2 text-sm">
          {DAY_CHOICES.filter((d) => d <= shareMaxDays).map((d) => (
            <option key={d} value={d}>
              {d === 1 ? "1 day" : `${d} days`}
            </option>
          ))}
        </select>
        <Button size="sm" data-testid="share-create" disabled={busy} onClick={() => void create()}>
          {busy ? "Making the link…" : "Make a link"}
        </Button>
      </div>
      {created?.url ? (
        <div className="flex flex-col gap-1.5 rounded-md border bg-surface p-3">
          <p className="text-xs text-muted-foreground">Copy it now: for your safety the link is not stored and cannot be shown again.</p>
          <div className="flex items-center gap-2">
            <input readOnly data-testid="share-url" value={created.url} onFocus={(e) => e.currentTarget.select()} className="h-8 min-w-0 flex-1 rounded-md border bg-background px-2 font-mono text-xs" />
            <Button size="sm" variant="outline" onClick={() => void copy(created.url!)} aria-label="Copy link">
              {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            </Button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p role="alert" data-testid="share-error" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <div>
        <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">Active links</h3>
        {shares === null ? <p className="text-xs text-muted-foreground">Loading…</p> : null}
        {shares?.length === 0 ? <p className="text-xs text-muted-foreground">None.</p> : null}
        <ul className="flex flex-col gap-1" data-testid="share-list">
          {shares?.map((s) => (
            <li key={s.id} data-testid="share-item" className="flex items-center gap-2 text-xs">
              <span className="flex-1">
                Version {s.version} · expires {new Date(s.expiresAt).toLocaleString()}
              </span>
              <Button variant="ghost" size="sm" data-testid="share-revoke" onClick={() => void revoke(s.id)}>
                <Trash2 aria-hidden />
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      </div>
    </Dialog>
  );
}
