"use client";

import * as React from "react";
import { LoaderCircle, Monitor, Moon, Sun, X, type LucideIcon } from "lucide-react";
import type { Preferences } from "@/lib/preferences";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { applyTheme, nextTheme, THEME_LABEL, type Theme } from "./theme";

const THEME_ICON: Record<Theme, LucideIcon> = {
  light: Sun,
  dark: Moon,
  system: Monitor,
};

interface ApiErrorBody {
  error?: { code?: string; message?: string; requestId?: string };
}

async function savePreferences(preferences: Preferences, signal: AbortSignal): Promise<Preferences> {
  let response: Response;
  try {
    response = await fetch("/api/preferences", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(preferences),
      credentials: "same-origin",
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new Error("Couldn't reach the server.");
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as ApiErrorBody | null)?.error;
    const message = error?.message ?? `The server answered ${response.status}.`;
    throw new Error(error?.requestId ? `${message} (request ${error.requestId})` : message);
  }
  const saved = (body as { preferences?: Preferences } | null)?.preferences;
  return saved ?? preferences;
}

/**
 * Cycles light → dark → system. The change applies to <html> at once; the cookie written by
 * POST /api/preferences makes the server render the same theme on the next load.
 */
export function ThemeToggle({ preferences, className }: { preferences: Preferences; className?: string }) {
  const [saved, setSaved] = React.useState<Preferences>(preferences);
  const [theme, setTheme] = React.useState<Theme>(preferences.theme);
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const inflight = React.useRef<AbortController | null>(null);

  React.useEffect(() => () => inflight.current?.abort(), []);

  async function choose(next: Theme) {
    setTheme(next);
    applyTheme(next);
    setError(null);
    setPending(true);

    // Only the latest choice matters: a slower earlier request must not overwrite it.
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    try {
      const stored = await savePreferences({ ...saved, theme: next }, controller.signal);
      setSaved(stored);
    } catch (err) {
      if (controller.signal.aborted) return;
      const reason = err instanceof Error ? err.message : "Unknown error.";
      setError(`${reason} The theme applies to this page until you reload.`);
    } finally {
      if (inflight.current === controller) {
        inflight.current = null;
        setPending(false);
      }
    }
  }

  const upcoming = nextTheme(theme);
  const Icon = THEME_ICON[theme];
  const label = `Theme: ${THEME_LABEL[theme]}. Switch to ${THEME_LABEL[upcoming]}`;

  return (
    <div className={cn("relative flex items-center", className)}>
      <Button
        variant="ghost"
        size="sm"
        data-testid="theme-toggle"
        data-theme-value={theme}
        aria-label={label}
        title={label}
        aria-busy={pending || undefined}
        onClick={() => void choose(upcoming)}
        className="gap-1.5 text-muted-foreground hover:text-foreground"
      >
        {pending ? <LoaderCircle aria-hidden className="animate-spin" /> : <Icon aria-hidden />}
        <span className="hidden sm:inline">{THEME_LABEL[theme]}</span>
      </Button>
      {error ? (
        <div
          role="alert"
          data-testid="theme-error"
          className="absolute top-full right-0 z-30 mt-2 flex w-72 items-start gap-2 rounded-lg border border-destructive/30 bg-card p-3 text-xs leading-snug text-card-foreground shadow-lg"
        >
          <p className="flex-1">
            <span className="font-medium text-destructive">Couldn&apos;t save the theme.</span> {error}
          </p>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => setError(null)}
            className="-m-1 rounded-sm p-1 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
          >
            <X aria-hidden className="size-3.5" />
          </button>
        </div>
      ) : null}
    </div>
  );
}
